import type { DbOrTx } from "@/db/client";
import { webhookDeliveries } from "@/db/schema";
import type { Scope } from "@/db/scope";
import { AppError } from "@/lib/errors";
import { getEvent } from "@/lib/events/queries";
import { eventTypeSchema } from "@/lib/events/types";
import { newId } from "@/lib/ids";
import type { DeliveryRow } from "./delivery";
import { endpointsForEvent, getWebhookEndpoint } from "./endpoints";

/**
 * Sends an event again as a fresh delivery with a schedule of its own: to one endpoint,
 * or to every enabled endpoint that subscribes to its type (a `ping`: the endpoint it
 * was sent to). The payload and
 * `webhook-id` are the event's, as on the first delivery, so a receiver that already
 * processed it can tell. Refused (and nothing written) for an unknown event, another
 * tenant's event or endpoint, or a disabled endpoint.
 */
export async function replayEvent(
  db: DbOrTx,
  scope: Scope,
  params: { eventId: string; endpointId?: string; actor: string; now?: Date },
): Promise<DeliveryRow[]> {
  const event = await getEvent(db, scope, params.eventId);
  if (!event) throw new AppError("not_found", `No such event: ${params.eventId}`);
  const type = eventTypeSchema.parse(event.type);
  // A test event goes back only to the endpoint it was sent to, unless another is named.
  const endpointId =
    params.endpointId ?? (type === "ping" ? String(event.data.endpoint_id) : undefined);
  const endpoints = endpointId
    ? [await getWebhookEndpoint(db, scope, endpointId)]
    : await endpointsForEvent(db, scope, type);
  const disabled = endpoints.find((e) => e.disabledAt);
  if (disabled) {
    throw new AppError(
      "conflict",
      `The webhook endpoint ${disabled.id} is disabled; enable it before replaying events to it.`,
    );
  }
  if (endpoints.length === 0) {
    throw new AppError(
      "conflict",
      `No enabled webhook endpoint receives ${event.type} events; add one or name an endpoint.`,
    );
  }
  const now = params.now ?? new Date();
  return db
    .insert(webhookDeliveries)
    .values(
      endpoints.map((endpoint) => {
        const id = newId("webhookDelivery");
        return {
          id,
          organisationId: scope.organisationId,
          mode: scope.mode,
          eventId: event.id,
          endpointId: endpoint.id,
          idempotencyKey: `replay:${id}`,
          replayedBy: params.actor,
          nextAttemptAt: now,
          createdAt: now,
          updatedAt: now,
        };
      }),
    )
    .returning();
}
