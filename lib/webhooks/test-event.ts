import type { DbOrTx } from "@/db/client";
import { webhookDeliveries } from "@/db/schema";
import type { Scope } from "@/db/scope";
import { inTransaction } from "@/db/transaction";
import { AppError } from "@/lib/errors";
import { recordEvent } from "@/lib/events/outbox";
import { newId } from "@/lib/ids";
import { type DeliveryRow, deliveryKey } from "./delivery";
import { getWebhookEndpoint } from "./endpoints";

export const TEST_EVENT_MESSAGE =
  "A test event from Disburse: your endpoint received and can verify a signed delivery.";

/**
 * Sends a signed `ping` event to one endpoint, whatever types it subscribes to, through
 * the normal delivery path: an event in the outbox (so it is listed, retrievable and
 * replayable like any other) and one scheduled delivery with its retries and attempt log.
 * The fan-out never sends a `ping` anywhere else. A disabled endpoint is refused, as a
 * replay to it is. The caller wakes the delivery loop once this has committed.
 */
export async function sendTestEvent(
  db: DbOrTx,
  scope: Scope,
  params: { endpointId: string; actor: string; now?: Date },
): Promise<DeliveryRow> {
  return inTransaction(db, async (tx) => {
    const endpoint = await getWebhookEndpoint(tx, scope, params.endpointId);
    if (endpoint.disabledAt) {
      throw new AppError(
        "conflict",
        `The webhook endpoint ${endpoint.id} is disabled; enable it before sending it a test event.`,
      );
    }
    const eventId = await recordEvent(tx, scope, "ping", {
      endpoint_id: endpoint.id,
      message: TEST_EVENT_MESSAGE,
    });
    const now = params.now ?? new Date();
    const [delivery] = await tx
      .insert(webhookDeliveries)
      .values({
        id: newId("webhookDelivery"),
        organisationId: scope.organisationId,
        mode: scope.mode,
        eventId,
        endpointId: endpoint.id,
        idempotencyKey: deliveryKey(eventId, endpoint.id),
        replayedBy: null,
        nextAttemptAt: now,
        createdAt: now,
        updatedAt: now,
      })
      .returning();
    return delivery as DeliveryRow;
  });
}
