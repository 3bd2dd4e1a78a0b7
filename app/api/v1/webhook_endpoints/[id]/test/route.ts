import { apiRoute } from "@/app/api/v1/api-route";
import { wakeDeliveryLoop } from "@/inngest/relay";
import { sendWebhookEndpointTestOperation } from "@/lib/api/operations/webhook-endpoints";
import { methodsNotAllowed } from "@/lib/api/unrouted";
import { deliveryResources } from "@/lib/webhooks/delivery-resource";
import { sendTestEvent } from "@/lib/webhooks/test-event";

export const POST = apiRoute(
  sendWebhookEndpointTestOperation,
  async ({ db, scope, params, actor, afterCommit }) => {
    const delivery = await sendTestEvent(db, scope, { endpointId: params.id, actor });
    afterCommit(() => wakeDeliveryLoop("api test event"));
    const [resource] = await deliveryResources(db, scope, [delivery]);
    return resource as NonNullable<typeof resource>;
  },
);

export const { GET, PUT, PATCH, DELETE, OPTIONS } = methodsNotAllowed("POST");
