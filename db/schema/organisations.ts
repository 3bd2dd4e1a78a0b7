import { bigint, jsonb, pgEnum, pgTable, primaryKey, text } from "drizzle-orm/pg-core";
import { users } from "./auth";
import { createdAt, modeEnum, updatedAt } from "./columns";

/** Who pays a payout's method fee: the platform (from `available`) or the recipient (withheld). */
export const feeBearerEnum = pgEnum("fee_bearer", ["platform", "recipient"]);
export type FeeBearer = (typeof feeBearerEnum.enumValues)[number];

export const organisations = pgTable("organisations", {
  id: text().primaryKey(),
  name: text().notNull(),
  slug: text().notNull().unique(),
  logoUrl: text(),
  primaryColor: text().notNull().default("#4f46e5"),
  accentColor: text().notNull().default("#0f172a"),
  claimMessage: text(),
  supportEmail: text(),
  /** Campaigns above this amount (minor units, per currency) need a second member's approval. */
  approvalThresholds: jsonb().$type<Record<string, string>>().notNull().default({}),
  feeBearer: feeBearerEnum().notNull().default("platform"),
  createdAt: createdAt(),
  updatedAt: updatedAt(),
});

export const roleEnum = pgEnum("member_role", [
  "owner",
  "admin",
  "finance",
  "support",
  "developer",
]);
export type Role = (typeof roleEnum.enumValues)[number];

export const memberships = pgTable(
  "memberships",
  {
    organisationId: text()
      .notNull()
      .references(() => organisations.id, { onDelete: "cascade" }),
    userId: text()
      .notNull()
      .references(() => users.id, { onDelete: "cascade" }),
    role: roleEnum().notNull(),
    createdAt: createdAt(),
  },
  (t) => [primaryKey({ columns: [t.organisationId, t.userId] })],
);

/** Low-balance thresholds per currency, in minor units. */
export const balanceThresholds = pgTable(
  "balance_thresholds",
  {
    organisationId: text()
      .notNull()
      .references(() => organisations.id, { onDelete: "cascade" }),
    mode: modeEnum().notNull(),
    currency: text().notNull(),
    amount: bigint({ mode: "bigint" }).notNull(),
  },
  (t) => [primaryKey({ columns: [t.organisationId, t.mode, t.currency] })],
);
