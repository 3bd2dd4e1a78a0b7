import { sql } from "drizzle-orm";
import { index, pgTable, text, timestamp } from "drizzle-orm/pg-core";
import { createdAt, modeEnum, updatedAt } from "./columns";
import { organisations } from "./organisations";

export const webhookEndpoints = pgTable(
  "webhook_endpoints",
  {
    id: text().primaryKey(),
    organisationId: text()
      .notNull()
      .references(() => organisations.id, { onDelete: "cascade" }),
    mode: modeEnum().notNull(),
    url: text().notNull(),
    description: text(),
    /** Event types delivered to this endpoint; empty means every type. */
    eventTypes: text().array().notNull().default(sql`'{}'::text[]`),
    /**
     * The `whsec_…` signing secret, sealed with AES-256-GCM (lib/crypto/secret-box):
     * deliveries must sign with it, so it is encrypted rather than hashed.
     */
    secretCiphertext: text().notNull(),
    disabledAt: timestamp({ withTimezone: true }),
    disabledReason: text(),
    createdAt: createdAt(),
    updatedAt: updatedAt(),
  },
  (t) => [index().on(t.organisationId, t.mode, t.id)],
);
