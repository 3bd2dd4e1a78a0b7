import { sql } from "drizzle-orm";
import { check, integer, pgTable, primaryKey, text } from "drizzle-orm/pg-core";
import { modeEnum, updatedAt } from "./columns";
import { organisations } from "./organisations";

/**
 * An organisation's test clock: how far its test mode runs ahead of real time, so an
 * integrator can see expiry, reminders and retries happen without waiting for them.
 * Only test mode has one (the check), and the offset only ever grows.
 */
export const testClocks = pgTable(
  "test_clocks",
  {
    organisationId: text()
      .notNull()
      .references(() => organisations.id, { onDelete: "cascade" }),
    mode: modeEnum().notNull(),
    offsetSeconds: integer().notNull(),
    updatedAt: updatedAt(),
  },
  (t) => [
    primaryKey({ columns: [t.organisationId, t.mode] }),
    check("test_clocks_test_mode_only", sql`${t.mode} = 'test'`),
    check("test_clocks_offset_forward", sql`${t.offsetSeconds} >= 0`),
  ],
);
