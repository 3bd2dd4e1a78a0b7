import { z } from "zod";
import { eventResourceSchema, eventTypeSchema } from "@/lib/events/types";
import { defineOperation } from "../operation";
import { createdQuerySchemas, listSchema, paginationQuerySchema } from "../pagination";
import { idParamsSchema } from "./common";

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
  },
});

export const getEventOperation = defineOperation({
  method: "GET",
  path: "/events/{id}",
  operationId: "getEvent",
  tag,
  summary: "Retrieve an event",
  params: idParamsSchema,
  response: { status: 200, schema: eventResourceSchema, description: "The event" },
});
