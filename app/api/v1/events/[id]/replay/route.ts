import { apiRoute } from "@/app/api/v1/api-route";
import { wakeDeliveryLoop } from "@/inngest/relay";
import { replayEventOperation } from "@/lib/api/operations/events";
import { methodsNotAllowed } from "@/lib/api/unrouted";
import { deliveryResources } from "@/lib/webhooks/delivery-resource";
import { replayEvent } from "@/lib/webhooks/replay";

export const POST = apiRoute(
  replayEventOperation,
  async ({ db, scope, params, body, actor, afterCommit }) => {
    const deliveries = await replayEvent(db, scope, {
      eventId: params.id,
      endpointId: body.endpoint_id,
      actor,
    });
    afterCommit(() => wakeDeliveryLoop("api replay"));
    return {
      object: "list" as const,
      data: await deliveryResources(db, scope, deliveries),
      has_more: false,
    };
  },
);

export const { GET, PUT, PATCH, DELETE, OPTIONS } = methodsNotAllowed("POST");
