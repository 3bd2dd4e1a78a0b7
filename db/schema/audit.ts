import { bigint, index, jsonb, pgTable, text } from "drizzle-orm/pg-core";
import { createdAt, modeEnum } from "./columns";
import { organisations } from "./organisations";

/**
 * Every admin action and compliance decision, append-only: a trigger refuses UPDATE,
 * DELETE and TRUNCATE, and the organisation foreign key does not cascade, so history
 * outlives whatever it describes. `before`/`after` hold the changed fields only, and
 * never secrets.
 */
export const auditLog = pgTable(
  "audit_log",
  {
    id: text().primaryKey(),
    /** Insertion order: ids only order to the millisecond, and a log must read in order. */
    seq: bigint({ mode: "bigint" }).notNull().generatedAlwaysAsIdentity(),
    organisationId: text()
      .notNull()
      .references(() => organisations.id),
    mode: modeEnum().notNull(),
    /** A user id, or `system` / `api:<key id>` for actions not taken by a person. */
    actorId: text().notNull(),
    /** The actor's email at the time, so the log reads well after a user is gone. */
    actorLabel: text(),
    /** Dotted verb such as `payout.cancel` or `api_key.create`. */
    action: text().notNull(),
    targetType: text().notNull(),
    targetId: text(),
    before: jsonb().$type<Record<string, unknown>>(),
    after: jsonb().$type<Record<string, unknown>>(),
    createdAt: createdAt(),
  },
  (t) => [
    index().on(t.organisationId, t.seq),
    index().on(t.organisationId, t.targetId),
    index().on(t.organisationId, t.actorId),
  ],
);
