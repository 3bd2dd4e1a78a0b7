import { index, pgTable, text, timestamp } from "drizzle-orm/pg-core";
import { createdAt, modeEnum } from "./columns";
import { organisations } from "./organisations";

export const apiKeys = pgTable(
  "api_keys",
  {
    id: text().primaryKey(),
    organisationId: text()
      .notNull()
      .references(() => organisations.id, { onDelete: "cascade" }),
    mode: modeEnum().notNull(),
    name: text().notNull(),
    /** The first characters of the key (`sk_test_ab12…`), shown in lists. */
    prefix: text().notNull(),
    /** SHA-256 of the whole key; the key itself is shown once and never stored. */
    hash: text().notNull().unique(),
    createdBy: text(),
    lastUsedAt: timestamp({ withTimezone: true }),
    revokedAt: timestamp({ withTimezone: true }),
    createdAt: createdAt(),
  },
  (t) => [index().on(t.organisationId, t.mode)],
);
