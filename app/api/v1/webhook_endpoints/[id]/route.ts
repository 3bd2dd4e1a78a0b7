import { apiRoute } from "@/app/api/v1/api-route";
import {
  deleteWebhookEndpointOperation,
  getWebhookEndpointOperation,
  updateWebhookEndpointOperation,
} from "@/lib/api/operations/webhook-endpoints";
import { methodsNotAllowed } from "@/lib/api/unrouted";
import { serializeWebhookEndpoint } from "@/lib/webhooks/endpoint-schemas";
import {
  deleteWebhookEndpoint,
  getWebhookEndpoint,
  updateWebhookEndpoint,
} from "@/lib/webhooks/endpoints";

export const GET = apiRoute(getWebhookEndpointOperation, async ({ db, scope, params }) =>
  serializeWebhookEndpoint(await getWebhookEndpoint(db, scope, params.id)),
);

export const PATCH = apiRoute(updateWebhookEndpointOperation, async ({ db, scope, params, body }) =>
  serializeWebhookEndpoint(await updateWebhookEndpoint(db, scope, params.id, body)),
);

export const DELETE = apiRoute(deleteWebhookEndpointOperation, async ({ db, scope, params }) => {
  await deleteWebhookEndpoint(db, scope, params.id);
  return { id: params.id, object: "webhook_endpoint" as const, deleted: true as const };
});

export const { POST, PUT, OPTIONS } = methodsNotAllowed("GET", "PATCH", "DELETE");
