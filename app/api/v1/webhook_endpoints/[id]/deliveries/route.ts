import { apiRoute } from "@/app/api/v1/api-route";
import { listWebhookEndpointDeliveriesOperation } from "@/lib/api/operations/webhook-endpoints";
import { pageOf } from "@/lib/api/pagination";
import { methodsNotAllowed } from "@/lib/api/unrouted";
import { listDeliveryResources } from "@/lib/webhooks/delivery-resource";
import { getWebhookEndpoint } from "@/lib/webhooks/endpoints";

export const GET = apiRoute(
  listWebhookEndpointDeliveriesOperation,
  async ({ db, scope, params, query }) => {
    const endpoint = await getWebhookEndpoint(db, scope, params.id);
    const page = await listDeliveryResources(db, scope, {
      ...pageOf(query),
      endpointId: endpoint.id,
      status: query.status,
    });
    return { object: "list" as const, data: page.data, has_more: page.hasMore };
  },
);

export const { POST, PUT, PATCH, DELETE, OPTIONS } = methodsNotAllowed("GET");
