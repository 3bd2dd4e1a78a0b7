import {
  index,
  integer,
  jsonb,
  pgEnum,
  pgTable,
  primaryKey,
  text,
  timestamp,
} from "drizzle-orm/pg-core";
import { createdAt, modeEnum } from "./columns";
import { organisations } from "./organisations";

export const idempotencyStatusEnum = pgEnum("idempotency_status", ["in_flight", "completed"]);

/**
 * One row per `Idempotency-Key` an organisation used in one mode. While the first
 * request runs the row is `in_flight` with a lock token; the request's own transaction
 * completes it, so a response is stored exactly when its effects committed.
 */
export const idempotencyKeys = pgTable(
  "idempotency_keys",
  {
    organisationId: text()
      .notNull()
      .references(() => organisations.id, { onDelete: "cascade" }),
    mode: modeEnum().notNull(),
    key: text().notNull(),
    /** Method, path and SHA-256 of the canonical body: a reuse with another body is refused. */
    fingerprint: text().notNull(),
    status: idempotencyStatusEnum().notNull(),
    /** Changes on every (re)claim, so a request that lost its claim cannot complete it. */
    lockToken: text(),
    lockedAt: timestamp({ withTimezone: true }),
    responseStatus: integer(),
    responseBody: text(),
    responseHeaders: jsonb().$type<Record<string, string>>(),
    createdAt: createdAt(),
    completedAt: timestamp({ withTimezone: true }),
  },
  (t) => [primaryKey({ columns: [t.organisationId, t.mode, t.key] }), index().on(t.createdAt)],
);

/**
 * Rate-limit state shared by every app instance. `tat` is the GCRA "theoretical arrival
 * time": the moment the bucket would be empty again if no more requests came.
 */
export const rateLimitBuckets = pgTable("rate_limit_buckets", {
  key: text().primaryKey(),
  tat: timestamp({ withTimezone: true, precision: 6 }).notNull(),
  /** Requests the last update granted (an app instance leases a few at a time). */
  granted: integer().notNull().default(1),
});
