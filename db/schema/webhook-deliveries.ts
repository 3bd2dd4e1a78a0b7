import { sql } from "drizzle-orm";
import {
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
import { events } from "./events";
import { organisations } from "./organisations";
import { webhookEndpoints } from "./webhooks";

export const webhookDeliveryStatusEnum = pgEnum("webhook_delivery_status", [
  /** Waiting for its next attempt at `next_attempt_at`. */
  "scheduled",
  "succeeded",
  /** Every attempt of the schedule failed, or the endpoint answered 410 Gone. */
  "failed",
  /** The endpoint was disabled or deleted before the event got through. */
  "canceled",
]);
export type WebhookDeliveryStatus = (typeof webhookDeliveryStatusEnum.enumValues)[number];

/**
 * One event on its way to one endpoint. The retry schedule lives here, not in a
 * sleeping function: `next_attempt_at` says when the due-deliveries sweep tries again,
 * so a restart loses nothing and a test can move the clock.
 */
export const webhookDeliveries = pgTable(
  "webhook_deliveries",
  {
    id: text().primaryKey(),
    organisationId: text()
      .notNull()
      .references(() => organisations.id, { onDelete: "cascade" }),
    mode: modeEnum().notNull(),
    eventId: text()
      .notNull()
      .references(() => events.id, { onDelete: "cascade" }),
    endpointId: text()
      .notNull()
      .references(() => webhookEndpoints.id, { onDelete: "cascade" }),
    /** `{eventId}:{endpointId}` for the first delivery; a replay gets a key of its own. */
    idempotencyKey: text().notNull(),
    /** Set on replays: who asked (`user:…`, `api_key:…`). */
    replayedBy: text(),
    status: webhookDeliveryStatusEnum().notNull().default("scheduled"),
    attemptCount: integer().notNull().default(0),
    nextAttemptAt: timestamp({ withTimezone: true }),
    /** A sweep that took the delivery holds it until then; a crashed sweep's lease runs out. */
    lockedUntil: timestamp({ withTimezone: true }),
    /**
     * The attempt being sent right now (until `locked_until`): a second execution of the
     * same attempt finds it taken and sends nothing, so one attempt is one request.
     */
    sendingAttempt: integer(),
    lastResponseStatus: integer(),
    lastError: text(),
    deliveredAt: timestamp({ withTimezone: true }),
    createdAt: createdAt(),
    updatedAt: updatedAt(),
  },
  (t) => [
    uniqueIndex().on(t.idempotencyKey),
    index("webhook_deliveries_due_idx").on(t.nextAttemptAt).where(sql`${t.status} = 'scheduled'`),
    // The fair claim: each endpoint's due deliveries, oldest first, one index range each.
    index("webhook_deliveries_endpoint_due_idx")
      .on(t.endpointId, t.nextAttemptAt, t.id)
      .where(sql`${t.status} = 'scheduled'`),
    index().on(t.organisationId, t.mode, t.eventId),
    index().on(t.endpointId, t.createdAt),
  ],
);

/** Every HTTP attempt of a delivery, as sent and as answered, for the dashboard and support. */
export const webhookAttempts = pgTable(
  "webhook_attempts",
  {
    id: text().primaryKey(),
    deliveryId: text()
      .notNull()
      .references(() => webhookDeliveries.id, { onDelete: "cascade" }),
    organisationId: text().notNull(),
    mode: modeEnum().notNull(),
    endpointId: text().notNull(),
    /** 1-based; unique per delivery, so an attempt is logged once however often its step runs. */
    attemptNumber: integer().notNull(),
    url: text().notNull(),
    requestHeaders: jsonb().$type<Record<string, string>>().notNull(),
    requestBody: text().notNull(),
    responseStatus: integer(),
    /** The first few KB of the answer; enough to debug, bounded whatever the receiver sends. */
    responseBody: text(),
    /** A network failure (refused, timeout, TLS) when there was no response. */
    error: text(),
    durationMs: integer().notNull(),
    startedAt: timestamp({ withTimezone: true }).notNull(),
    /** When the next attempt was scheduled for; null after the last. */
    nextAttemptAt: timestamp({ withTimezone: true }),
  },
  (t) => [uniqueIndex().on(t.deliveryId, t.attemptNumber), index().on(t.endpointId, t.startedAt)],
);

/**
 * Whether each endpoint is getting through. `failing_since` is the first failure after
 * the last success: after five days of failures the endpoint is disabled and its
 * organisation told, once. Written on failures and on the success that ends a run of
 * them (`last_success_at`), never on every success, so a healthy endpoint's deliveries
 * never queue on this row.
 */
export const webhookEndpointHealth = pgTable("webhook_endpoint_health", {
  endpointId: text()
    .primaryKey()
    .references(() => webhookEndpoints.id, { onDelete: "cascade" }),
  failingSince: timestamp({ withTimezone: true }),
  lastSuccessAt: timestamp({ withTimezone: true }),
  lastFailureAt: timestamp({ withTimezone: true }),
  lastError: text(),
  updatedAt: updatedAt(),
});
