import { createPayoutBodySchema } from "@/lib/payouts/create-payout";
import { listPayoutsQuerySchema } from "@/lib/payouts/list-params";
import { payoutListSchema, payoutResourceSchema } from "@/lib/payouts/serialize";
import { exampleList, examplePayout } from "../examples";
import { defineOperation } from "../operation";
import { idParamsSchema } from "./common";

const tag = "Payouts";

export const createPayoutOperation = defineOperation({
  method: "POST",
  path: "/payouts",
  operationId: "createPayout",
  tag,
  summary: "Create a payout",
  description:
    "Creates a payout to an existing recipient (`recipient_id`) or to one described inline (`recipient`), and reserves its amount from the available balance in the same transaction. Requires an `Idempotency-Key`.",
  idempotency: "required",
  body: createPayoutBodySchema,
  response: {
    status: 201,
    schema: payoutResourceSchema,
    description: "The new payout",
    example: { ...examplePayout, status: "pending" },
  },
  errors: ["insufficient_funds"],
  example: {
    recipient: { email: "ada@example.com", name: "Ada Lovelace", country: "KE" },
    amount: 5000,
    currency: "USD",
    description: "March bounty",
  },
});

export const listPayoutsOperation = defineOperation({
  method: "GET",
  path: "/payouts",
  operationId: "listPayouts",
  tag,
  summary: "List payouts",
  description: "Newest first. Filter by status, recipient, batch and creation time.",
  query: listPayoutsQuerySchema,
  response: {
    status: 200,
    schema: payoutListSchema,
    description: "A page of payouts",
    example: exampleList(examplePayout),
  },
});

export const getPayoutOperation = defineOperation({
  method: "GET",
  path: "/payouts/{id}",
  operationId: "getPayout",
  tag,
  summary: "Retrieve a payout",
  params: idParamsSchema,
  response: {
    status: 200,
    schema: payoutResourceSchema,
    description: "The payout",
    example: examplePayout,
  },
});

export const cancelPayoutOperation = defineOperation({
  method: "POST",
  path: "/payouts/{id}/cancel",
  operationId: "cancelPayout",
  tag,
  summary: "Cancel a payout",
  description:
    "Cancels a payout whose funds are still only reserved and releases them to the available balance. A payout already with a provider cannot be canceled.",
  params: idParamsSchema,
  response: {
    status: 200,
    schema: payoutResourceSchema,
    description: "The canceled payout",
    example: { ...examplePayout, status: "canceled" },
  },
  errors: ["invalid_state_transition"],
});
