import { z } from "zod";
import { webhookDeliveryStatusEnum } from "@/db/schema";
import { webhookDeliveryResourceSchema } from "@/lib/webhooks/delivery-resource";
import {
  createWebhookEndpointBodySchema,
  updateWebhookEndpointBodySchema,
  webhookEndpointResourceSchema,
  webhookEndpointWithSecretSchema,
} from "@/lib/webhooks/endpoint-schemas";
import {
  exampleDelivery,
  exampleIds,
  exampleList,
  exampleScheduledDelivery,
  exampleWebhookEndpoint,
  exampleWebhookEndpointWithSecret,
} from "../examples";
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
    example: exampleWebhookEndpointWithSecret,
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
    example: exampleList(exampleWebhookEndpoint),
  },
});

export const getWebhookEndpointOperation = defineOperation({
  method: "GET",
  path: "/webhook_endpoints/{id}",
  operationId: "getWebhookEndpoint",
  tag,
  summary: "Retrieve a webhook endpoint",
  params: idParamsSchema,
  response: {
    status: 200,
    schema: webhookEndpointResourceSchema,
    description: "The endpoint",
    example: exampleWebhookEndpoint,
  },
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
    example: { ...exampleWebhookEndpoint, event_types: [] },
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
    example: { id: exampleIds.webhookEndpoint, object: "webhook_endpoint", deleted: true },
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
    example: exampleWebhookEndpointWithSecret,
  },
  responseHoldsSecret: true,
});

/** The query of a list of deliveries: a page, and optionally one status. */
export const listDeliveriesQuerySchema = paginationQuerySchema("webhookDelivery")
  .extend({
    status: z
      .enum(webhookDeliveryStatusEnum.enumValues)
      .optional()
      .meta({ description: "Only deliveries in this status" }),
  })
  .strict();

export const deliveryListSchema = listSchema(webhookDeliveryResourceSchema, "WebhookDeliveryList");

export const listWebhookEndpointDeliveriesOperation = defineOperation({
  method: "GET",
  path: "/webhook_endpoints/{id}/deliveries",
  operationId: "listWebhookEndpointDeliveries",
  tag,
  summary: "List an endpoint's deliveries",
  description:
    "Every event sent to this endpoint, newest first, each with its attempts: when, how long, the status and the first 2 KB of what your endpoint answered.",
  params: idParamsSchema,
  query: listDeliveriesQuerySchema,
  exampleQuery: { status: "failed" },
  response: {
    status: 200,
    schema: deliveryListSchema,
    description: "A page of deliveries",
    example: exampleList(exampleDelivery),
  },
});

export const sendWebhookEndpointTestOperation = defineOperation({
  method: "POST",
  path: "/webhook_endpoints/{id}/test",
  operationId: "sendWebhookEndpointTest",
  tag,
  summary: "Send a test event",
  description:
    "Sends a signed `ping` event to this endpoint alone, whatever types it subscribes to, through the normal delivery path (retries and attempt log included). Check the result with `GET /webhook_endpoints/{id}/deliveries`. A disabled endpoint is refused (409).",
  params: idParamsSchema,
  response: {
    status: 201,
    schema: webhookDeliveryResourceSchema,
    description: "The scheduled delivery of the new `ping` event",
    example: { ...exampleScheduledDelivery, event_type: "ping" },
  },
  errors: ["conflict"],
});
