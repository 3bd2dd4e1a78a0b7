import { z } from "zod";
import { eventResourceSchema, eventTypeSchema } from "@/lib/events/types";
import { webhookDeliveryResourceSchema } from "@/lib/webhooks/delivery-resource";
import { exampleDelivery, exampleEvent, exampleList, exampleScheduledDelivery } from "../examples";
import { defineOperation } from "../operation";
import {
  createdQuerySchemas,
  idQuerySchema,
  listSchema,
  paginationQuerySchema,
} from "../pagination";
import { idParamsSchema } from "./common";
import { deliveryListSchema, listDeliveriesQuerySchema } from "./webhook-endpoints";

const tag = "Events";

export const listEventsQuerySchema = paginationQuerySchema("event")
  .extend({
    type: z
      .string()
      .transform((v) => v.split(",").map((t) => t.trim()))
      .pipe(z.array(eventTypeSchema).max(20))
      .optional()
      .meta({ description: "Comma-separated event types, e.g. `payout.paid,payout.failed`" }),
    "created[gte]": createdQuerySchemas["created[gte]"],
    "created[lte]": createdQuerySchemas["created[lte]"],
  })
  .strict();

export const listEventsOperation = defineOperation({
  method: "GET",
  path: "/events",
  operationId: "listEvents",
  tag,
  summary: "List events",
  description:
    "Everything that happened, newest first: the same events webhooks deliver, kept so you can catch up after downtime.",
  query: listEventsQuerySchema,
  response: {
    status: 200,
    schema: listSchema(eventResourceSchema, "EventList"),
    description: "A page of events",
    example: exampleList(exampleEvent("payout.paid")),
  },
});

export const getEventOperation = defineOperation({
  method: "GET",
  path: "/events/{id}",
  operationId: "getEvent",
  tag,
  summary: "Retrieve an event",
  params: idParamsSchema,
  response: {
    status: 200,
    schema: eventResourceSchema,
    description: "The event",
    example: exampleEvent("payout.paid"),
  },
});

export const listEventDeliveriesOperation = defineOperation({
  method: "GET",
  path: "/events/{id}/deliveries",
  operationId: "listEventDeliveries",
  tag,
  summary: "List an event's deliveries",
  description:
    "Every delivery of this event to your endpoints (first deliveries and replays), newest first, each with its attempts.",
  params: idParamsSchema,
  query: listDeliveriesQuerySchema,
  response: {
    status: 200,
    schema: deliveryListSchema,
    description: "A page of deliveries",
    example: exampleList(exampleDelivery),
  },
});

export const replayEventBodySchema = z
  .strictObject({
    endpoint_id: idQuerySchema("webhookEndpoint", "Only to this endpoint").optional(),
  })
  .meta({ id: "ReplayEvent" });

export const replayEventOperation = defineOperation({
  method: "POST",
  path: "/events/{id}/replay",
  operationId: "replayEvent",
  tag,
  summary: "Replay an event",
  description:
    "Sends the event again, as a fresh delivery with its own retries and attempt log: to `endpoint_id`, or to every enabled endpoint that subscribes to its type (a `ping`: the endpoint it was sent to). The payload and `webhook-id` are the event's own, so a receiver that deduplicates on `webhook-id` treats it as the same event. A disabled endpoint, or none that receives the type, is refused (409).",
  params: idParamsSchema,
  body: replayEventBodySchema,
  response: {
    status: 201,
    schema: listSchema(webhookDeliveryResourceSchema, "ReplayedDeliveries"),
    description: "The new deliveries, one per endpoint, scheduled",
    example: exampleList({ ...exampleScheduledDelivery, replay: true }),
  },
  errors: ["conflict"],
  example: { endpoint_id: "we_01hx5d3k2m9v8q7w6e5r4t3y2u" },
});
