import { apiRoute } from "@/app/api/v1/api-route";
import { rotateWebhookEndpointSecretOperation } from "@/lib/api/operations/webhook-endpoints";
import { methodsNotAllowed } from "@/lib/api/unrouted";
import { serializeWebhookEndpoint } from "@/lib/webhooks/endpoint-schemas";
import { rotateWebhookEndpointSecret } from "@/lib/webhooks/endpoints";

export const POST = apiRoute(
  rotateWebhookEndpointSecretOperation,
  async ({ db, scope, params }) => {
    const { endpoint, secret } = await rotateWebhookEndpointSecret(db, scope, params.id);
    return { ...serializeWebhookEndpoint(endpoint), secret };
  },
);

export const { GET, PUT, PATCH, DELETE, OPTIONS } = methodsNotAllowed("POST");
