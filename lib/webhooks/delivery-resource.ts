import { and, inArray } from "drizzle-orm";
import { z } from "zod";
import type { DbOrTx } from "@/db/client";
import { events, webhookDeliveryStatusEnum } from "@/db/schema";
import { type Scope, tenantWhere } from "@/db/scope";
import { type EventType, eventTypeSchema } from "@/lib/events/types";
import type { AttemptRow, DeliveryRow } from "./delivery";
import { attemptsByDelivery, type ListDeliveriesParams, listDeliveries } from "./delivery-queries";
import { RESPONSE_EXCERPT_BYTES } from "./sender";

const timestamp = z.iso.datetime({ offset: true });

export const webhookAttemptResourceSchema = z
  .object({
    attempt_number: z.int().min(1).meta({ description: "1 for the first attempt, up to 12" }),
    url: z.string().meta({ description: "Where this attempt was sent" }),
    started_at: timestamp,
    duration_ms: z.int().nonnegative().meta({ description: "Until the answer (or the failure)" }),
    response_status: z
      .int()
      .nonnegative()
      .nullable()
      .meta({ description: "The endpoint's HTTP status; null when there was no answer" }),
    response_excerpt: z
      .string()
      .nullable()
      .meta({
        description: `The first ${RESPONSE_EXCERPT_BYTES} bytes of the answer's body, as your endpoint sent them`,
      }),
    error: z.string().nullable().meta({
      description:
        "Why there was no answer: `ECONNREFUSED`, `timed out`, `refused: the host is or resolves to …`",
      example: null,
    }),
    next_attempt_at: timestamp
      .nullable()
      .meta({ description: "When the next attempt was scheduled for; null after the last" }),
  })
  .meta({
    id: "WebhookAttempt",
    description:
      "One HTTP request of a delivery and how it was answered. The request's signature and the signing secret are never shown.",
  });

export const webhookDeliveryResourceSchema = z
  .object({
    id: z.string().meta({ example: "wd_01hx5d3k2m9v8q7w6e5r4t3y2u" }),
    object: z.literal("webhook_delivery"),
    livemode: z.boolean(),
    event_id: z.string(),
    event_type: eventTypeSchema,
    endpoint_id: z.string(),
    status: z.enum(webhookDeliveryStatusEnum.enumValues).meta({
      description:
        "`scheduled`: waiting for its next attempt; `succeeded`: answered 2xx; `failed`: every attempt failed or the endpoint answered 410; `canceled`: the endpoint was paused or disabled first",
    }),
    replay: z
      .boolean()
      .meta({ description: "Whether this delivery is a replay (by the API or the dashboard)" }),
    attempt_count: z.int().nonnegative(),
    next_attempt_at: timestamp.nullable(),
    delivered_at: timestamp.nullable(),
    created_at: timestamp,
    attempts: z.array(webhookAttemptResourceSchema).meta({ description: "First to last" }),
  })
  .meta({
    id: "WebhookDelivery",
    description: "One event on its way to one endpoint, with every attempt made so far",
  });

export type WebhookDeliveryResource = z.infer<typeof webhookDeliveryResourceSchema>;

const isoOrNull = (d: Date | null) => d?.toISOString() ?? null;

function serializeAttempt(row: AttemptRow): z.infer<typeof webhookAttemptResourceSchema> {
  return {
    attempt_number: row.attemptNumber,
    url: row.url,
    started_at: row.startedAt.toISOString(),
    duration_ms: row.durationMs,
    response_status: row.responseStatus,
    response_excerpt: row.responseBody,
    error: row.error,
    next_attempt_at: isoOrNull(row.nextAttemptAt),
  };
}

export function serializeDelivery(
  row: DeliveryRow,
  eventType: EventType,
  attempts: AttemptRow[],
): WebhookDeliveryResource {
  return {
    id: row.id,
    object: "webhook_delivery",
    livemode: row.mode === "live",
    event_id: row.eventId,
    event_type: eventType,
    endpoint_id: row.endpointId,
    status: row.status,
    replay: row.replayedBy !== null,
    attempt_count: row.attemptCount,
    next_attempt_at: isoOrNull(row.nextAttemptAt),
    delivered_at: isoOrNull(row.deliveredAt),
    created_at: row.createdAt.toISOString(),
    attempts: attempts.map(serializeAttempt),
  };
}

/** Deliveries as the API shows them: each with its event's type and its attempts. */
export async function deliveryResources(
  db: DbOrTx,
  scope: Scope,
  rows: DeliveryRow[],
): Promise<WebhookDeliveryResource[]> {
  if (rows.length === 0) return [];
  const eventIds = [...new Set(rows.map((r) => r.eventId))];
  const [types, attempts] = await Promise.all([
    db
      .select({ id: events.id, type: events.type })
      .from(events)
      .where(and(tenantWhere(events, scope), inArray(events.id, eventIds))),
    attemptsByDelivery(
      db,
      scope,
      rows.map((r) => r.id),
    ),
  ]);
  const typeOf = new Map(types.map((e) => [e.id, eventTypeSchema.parse(e.type)]));
  return rows.map((row) =>
    serializeDelivery(row, typeOf.get(row.eventId) as EventType, attempts.get(row.id) ?? []),
  );
}

/** A page of deliveries (newest first) as the API shows them. */
export async function listDeliveryResources(
  db: DbOrTx,
  scope: Scope,
  params: ListDeliveriesParams,
): Promise<{ data: WebhookDeliveryResource[]; hasMore: boolean }> {
  const page = await listDeliveries(db, scope, params);
  return { data: await deliveryResources(db, scope, page.data), hasMore: page.hasMore };
}
