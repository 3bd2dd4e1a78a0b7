import { sql } from "drizzle-orm";
import { index, jsonb, pgTable, text, timestamp } from "drizzle-orm/pg-core";
import { createdAt, modeEnum } from "./columns";
import { organisations } from "./organisations";

/**
 * The transactional outbox: a row is written in the same transaction as the state
 * change it describes; the relay forwards it to Inngest with its id as the event id.
 */
export const events = pgTable(
  "events",
  {
    id: text().primaryKey(),
    organisationId: text()
      .notNull()
      .references(() => organisations.id, { onDelete: "cascade" }),
    mode: modeEnum().notNull(),
    type: text().notNull(),
    data: jsonb().$type<Record<string, unknown>>().notNull(),
    createdAt: createdAt(),
    relayedAt: timestamp({ withTimezone: true }),
  },
  (t) => [
    index().on(t.organisationId, t.mode, t.createdAt),
    // `GET /v1/events?type=…` pages newest-first by id within one type.
    index().on(t.organisationId, t.mode, t.type, t.id),
    // The relay's order, whole: a campaign's 10,001 events share one `created_at`, and on
    // `created_at` alone each relay pass read and sorted all of them to take 1,000.
    index("events_unrelayed_idx").on(t.createdAt, t.id).where(sql`${t.relayedAt} is null`),
  ],
);
