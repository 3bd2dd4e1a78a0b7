import { z } from "zod";
import {
  createRecipientBodySchema,
  recipientResourceSchema,
  updateRecipientBodySchema,
} from "@/lib/recipients/schemas";
import { exampleList, exampleRecipient } from "../examples";
import { defineOperation } from "../operation";
import { listSchema, paginationQuerySchema } from "../pagination";
import { idParamsSchema } from "./common";

const tag = "Recipients";

export const createRecipientOperation = defineOperation({
  method: "POST",
  path: "/recipients",
  operationId: "createRecipient",
  tag,
  summary: "Create a recipient",
  description:
    "A person you pay. `external_id` is your own id for them and must be unique within the organisation and mode.",
  body: createRecipientBodySchema,
  response: {
    status: 201,
    schema: recipientResourceSchema,
    description: "The new recipient",
    example: exampleRecipient,
  },
  errors: ["conflict"],
  example: {
    email: "ada@example.com",
    name: "Ada Lovelace",
    country: "KE",
    locale: "en-KE",
    external_id: "user_42",
  },
});

export const listRecipientsOperation = defineOperation({
  method: "GET",
  path: "/recipients",
  operationId: "listRecipients",
  tag,
  summary: "List recipients",
  description: "Newest first.",
  query: paginationQuerySchema("recipient")
    .extend({
      email: z.string().min(1).max(254).optional().meta({ description: "Only this email address" }),
      external_id: z
        .string()
        .min(1)
        .max(200)
        .optional()
        .meta({ description: "Only this external id" }),
    })
    .strict(),
  response: {
    status: 200,
    schema: listSchema(recipientResourceSchema, "RecipientList"),
    description: "A page of recipients",
    example: exampleList(exampleRecipient),
  },
});

export const getRecipientOperation = defineOperation({
  method: "GET",
  path: "/recipients/{id}",
  operationId: "getRecipient",
  tag,
  summary: "Retrieve a recipient",
  params: idParamsSchema,
  response: {
    status: 200,
    schema: recipientResourceSchema,
    description: "The recipient",
    example: exampleRecipient,
  },
});

export const updateRecipientOperation = defineOperation({
  method: "PATCH",
  path: "/recipients/{id}",
  operationId: "updateRecipient",
  tag,
  summary: "Update a recipient",
  description:
    "Changes email, name, country or locale (null: follow the country again). Fields you leave out keep their values. A new email is where the recipient's links go from now on: each claimable payout's link is reissued to it (the old link dies; emailed unless the payout has `notify: \"none\"`), the old address is told once per such payout, and the change is audited.",
  params: idParamsSchema,
  body: updateRecipientBodySchema,
  response: {
    status: 200,
    schema: recipientResourceSchema,
    description: "The updated recipient",
    example: { ...exampleRecipient, email: "ada.lovelace@example.com" },
  },
  example: { email: "ada.lovelace@example.com" },
});
