import { sql } from "drizzle-orm";
import {
  bigint,
  index,
  integer,
  jsonb,
  pgEnum,
  pgTable,
  text,
  timestamp,
  uniqueIndex,
} from "drizzle-orm/pg-core";
import { createdAt, modeEnum, updatedAt } from "./columns";
import { feeBearerEnum, organisations } from "./organisations";

export const recipients = pgTable(
  "recipients",
  {
    id: text().primaryKey(),
    organisationId: text()
      .notNull()
      .references(() => organisations.id, { onDelete: "cascade" }),
    mode: modeEnum().notNull(),
    externalId: text(),
    email: text().notNull(),
    name: text(),
    /** ISO 3166-1 alpha-2. */
    country: text().notNull(),
    /**
     * The BCP 47 locale the platform gave for this person (`es-US`, `fr-CA`), in a language
     * the claim speaks; null when not given (it is then derived from the country).
     */
    locale: text(),
    createdAt: createdAt(),
    updatedAt: updatedAt(),
  },
  (t) => [
    uniqueIndex()
      .on(t.organisationId, t.mode, t.externalId)
      .where(sql`${t.externalId} is not null`),
    index().on(t.organisationId, t.mode, t.email),
  ],
);

export const batchStatusEnum = pgEnum("batch_status", [
  "awaiting_approval",
  "processing",
  "completed",
  "canceled",
]);
export type BatchStatus = (typeof batchStatusEnum.enumValues)[number];

/** A campaign: payouts created together, with the claim page's message and rules. */
export const batches = pgTable(
  "batches",
  {
    id: text().primaryKey(),
    organisationId: text()
      .notNull()
      .references(() => organisations.id, { onDelete: "cascade" }),
    mode: modeEnum().notNull(),
    name: text().notNull(),
    message: text(),
    currency: text().notNull(),
    allowedMethods: jsonb().$type<string[] | null>(),
    linkExpiryDays: integer().notNull().default(30),
    status: batchStatusEnum().notNull(),
    itemCount: integer().notNull(),
    totalAmount: bigint({ mode: "bigint" }).notNull(),
    createdBy: text(),
    approvedBy: text(),
    completedAt: timestamp({ withTimezone: true }),
    createdAt: createdAt(),
    updatedAt: updatedAt(),
  },
  (t) => [index().on(t.organisationId, t.mode, t.createdAt)],
);

export const payoutStatusEnum = pgEnum("payout_status", [
  "pending",
  "awaiting_review",
  "claimable",
  "claimed",
  "processing",
  "paid",
  "failed",
  "returned",
  "expired",
  "canceled",
  "awaiting_tax_info",
]);
export type PayoutStatus = (typeof payoutStatusEnum.enumValues)[number];

/** Who tells the recipient about their link: we email it, or the platform shows `claim_url` itself. */
export const payoutNotifyEnum = pgEnum("payout_notify", ["email", "none"]);
export type PayoutNotify = (typeof payoutNotifyEnum.enumValues)[number];

export const payouts = pgTable(
  "payouts",
  {
    id: text().primaryKey(),
    organisationId: text()
      .notNull()
      .references(() => organisations.id, { onDelete: "cascade" }),
    mode: modeEnum().notNull(),
    recipientId: text()
      .notNull()
      .references(() => recipients.id),
    batchId: text().references(() => batches.id),
    amount: bigint({ mode: "bigint" }).notNull(),
    currency: text().notNull(),
    status: payoutStatusEnum().notNull(),
    description: text(),
    metadata: jsonb().$type<Record<string, string>>().notNull().default({}),
    /** The platform's own id for this payout, unique per organisation and mode when given. */
    reference: text(),
    notify: payoutNotifyEnum().notNull().default("email"),
    /** How long a claim window lasts; an expired payout reissued without a new length gets it again. */
    claimWindowDays: integer().notNull().default(30),
    /**
     * How often an expired payout was reissued: part of the keys of the movements that can
     * recur after a reissue (reserve, release), as `attempt` is for submissions.
     */
    reissues: integer().notNull().default(0),
    method: text(),
    /** Method details chosen by the recipient; never bank numbers for live payouts. */
    methodDetails: jsonb().$type<Record<string, unknown>>(),
    providerReference: text(),
    failureReason: text(),
    /** The stable code of a provider's refusal or return (lib/providers/reasons.ts). */
    failureCode: text(),
    /** Submissions to a provider so far; part of each submission's ledger and provider keys. */
    attempt: integer().notNull().default(0),
    /** The method fee of the current submission (live mode), posted to `fees` with it. */
    feeAmount: bigint({ mode: "bigint" }).notNull().default(sql`0`),
    /** Who bears `fee_amount` for the current submission; null when there is none. */
    feeBearer: feeBearerEnum(),
    expiresAt: timestamp({ withTimezone: true }).notNull(),
    claimedAt: timestamp({ withTimezone: true }),
    paidAt: timestamp({ withTimezone: true }),
    createdAt: createdAt(),
    updatedAt: updatedAt(),
  },
  (t) => [
    index().on(t.organisationId, t.mode, t.createdAt),
    index().on(t.organisationId, t.mode, t.status),
    // Lists page newest-first by id (ids are time-ordered).
    index().on(t.organisationId, t.mode, t.id),
    index().on(t.batchId, t.status),
    index().on(t.recipientId),
    index("payouts_claimable_expiry_idx").on(t.expiresAt).where(sql`${t.status} = 'claimable'`),
    uniqueIndex("payouts_reference_idx")
      .on(t.organisationId, t.mode, t.reference)
      .where(sql`${t.reference} is not null`),
  ],
);

export const claimLinks = pgTable(
  "claim_links",
  {
    id: text().primaryKey(),
    payoutId: text()
      .notNull()
      .references(() => payouts.id, { onDelete: "cascade" }),
    /** SHA-256 of the token; the token itself only ever lives in the link. */
    tokenHash: text().notNull().unique(),
    expiresAt: timestamp({ withTimezone: true }).notNull(),
    revokedAt: timestamp({ withTimezone: true }),
    createdAt: createdAt(),
  },
  (t) => [index().on(t.payoutId)],
);

/** Every state change of a payout, for timelines and audits. */
export const payoutTransitions = pgTable(
  "payout_transitions",
  {
    id: text().primaryKey(),
    payoutId: text()
      .notNull()
      .references(() => payouts.id, { onDelete: "cascade" }),
    fromStatus: payoutStatusEnum(),
    toStatus: payoutStatusEnum().notNull(),
    reason: text(),
    actor: text(),
    createdAt: createdAt(),
  },
  (t) => [index().on(t.payoutId, t.createdAt)],
);
