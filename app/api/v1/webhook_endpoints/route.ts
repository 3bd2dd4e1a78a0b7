import { apiRoute } from "@/app/api/v1/api-route";
import {
  createWebhookEndpointOperation,
  listWebhookEndpointsOperation,
} from "@/lib/api/operations/webhook-endpoints";
import { pageOf, toList } from "@/lib/api/pagination";
import { methodsNotAllowed } from "@/lib/api/unrouted";
import { serializeWebhookEndpoint } from "@/lib/webhooks/endpoint-schemas";
import { createWebhookEndpoint, listWebhookEndpoints } from "@/lib/webhooks/endpoints";

export const POST = apiRoute(createWebhookEndpointOperation, async ({ db, scope, body }) => {
  const { endpoint, secret } = await createWebhookEndpoint(db, scope, body);
  return { ...serializeWebhookEndpoint(endpoint), secret };
});

export const GET = apiRoute(listWebhookEndpointsOperation, async ({ db, scope, query }) =>
  toList(await listWebhookEndpoints(db, scope, pageOf(query)), serializeWebhookEndpoint),
);

export const { PUT, PATCH, DELETE, OPTIONS } = methodsNotAllowed("GET", "POST");
