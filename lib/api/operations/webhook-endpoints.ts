import {
  createWebhookEndpointBodySchema,
  updateWebhookEndpointBodySchema,
  webhookEndpointResourceSchema,
  webhookEndpointWithSecretSchema,
} from "@/lib/webhooks/endpoint-schemas";
import { defineOperation } from "../operation";
import { listSchema, paginationQuerySchema } from "../pagination";
import { deletedSchema, idParamsSchema } from "./common";

const tag = "Webhook endpoints";

export const createWebhookEndpointOperation = defineOperation({
  method: "POST",
  path: "/webhook_endpoints",
  operationId: "createWebhookEndpoint",
  tag,
  summary: "Create a webhook endpoint",
  description:
    "Deliveries follow Standard Webhooks: each carries `webhook-id`, `webhook-timestamp` and `webhook-signature` headers signed with the endpoint's secret. The secret is in this response only.",
  body: createWebhookEndpointBodySchema,
  response: {
    status: 201,
    schema: webhookEndpointWithSecretSchema,
    description: "The endpoint with its signing secret",
  },
  responseHoldsSecret: true,
  errors: ["conflict"],
  example: {
    url: "https://example.com/webhooks/disburse",
    event_types: ["payout.paid", "payout.failed"],
  },
});

export const listWebhookEndpointsOperation = defineOperation({
  method: "GET",
  path: "/webhook_endpoints",
  operationId: "listWebhookEndpoints",
  tag,
  summary: "List webhook endpoints",
  query: paginationQuerySchema("webhookEndpoint").strict(),
  response: {
    status: 200,
    schema: listSchema(webhookEndpointResourceSchema, "WebhookEndpointList"),
    description: "A page of endpoints",
  },
});

export const getWebhookEndpointOperation = defineOperation({
  method: "GET",
  path: "/webhook_endpoints/{id}",
  operationId: "getWebhookEndpoint",
  tag,
  summary: "Retrieve a webhook endpoint",
  params: idParamsSchema,
  response: { status: 200, schema: webhookEndpointResourceSchema, description: "The endpoint" },
});

export const updateWebhookEndpointOperation = defineOperation({
  method: "PATCH",
  path: "/webhook_endpoints/{id}",
  operationId: "updateWebhookEndpoint",
  tag,
  summary: "Update a webhook endpoint",
  description: "Change the URL, description or event filter, or pause and resume deliveries.",
  params: idParamsSchema,
  body: updateWebhookEndpointBodySchema,
  response: {
    status: 200,
    schema: webhookEndpointResourceSchema,
    description: "The updated endpoint",
  },
  example: { event_types: [], disabled: false },
});

export const deleteWebhookEndpointOperation = defineOperation({
  method: "DELETE",
  path: "/webhook_endpoints/{id}",
  operationId: "deleteWebhookEndpoint",
  tag,
  summary: "Delete a webhook endpoint",
  params: idParamsSchema,
  response: {
    status: 200,
    schema: deletedSchema("webhook_endpoint", "DeletedWebhookEndpoint"),
    description: "Confirmation",
  },
});

export const rotateWebhookEndpointSecretOperation = defineOperation({
  method: "POST",
  path: "/webhook_endpoints/{id}/rotate_secret",
  operationId: "rotateWebhookEndpointSecret",
  tag,
  summary: "Rotate a webhook signing secret",
  description: "Replaces the secret at once; deliveries from now on are signed with the new one.",
  params: idParamsSchema,
  response: {
    status: 200,
    schema: webhookEndpointWithSecretSchema,
    description: "The endpoint with its new signing secret",
  },
  responseHoldsSecret: true,
});
