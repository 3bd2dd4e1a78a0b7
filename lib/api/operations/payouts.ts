import { z } from "zod";
import { createPayoutBodySchema } from "@/lib/payouts/create-payout";
import { expiresInDaysSchema } from "@/lib/payouts/input-schemas";
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
    'Creates a payout to an existing recipient (`recipient_id`) or to one described inline (`recipient`), and reserves its amount from the available balance in the same transaction. Requires an `Idempotency-Key`. The payout is screened and its claim link issued in the background, so it is created `pending` with `claim_url: null`; once it is `claimable` (the `payout.claimable` event), `GET /payouts/{id}` has its `claim_url`. With `notify: "none"` we send no invitation or reminder: show `claim_url` in your own app. A `reference` already used by another payout is a 409 naming that payout.',
  idempotency: "required",
  body: createPayoutBodySchema,
  response: {
    status: 201,
    schema: payoutResourceSchema,
    description: "The new payout",
    example: { ...examplePayout, status: "pending" },
  },
  errors: ["insufficient_funds", "conflict"],
  example: {
    recipient: { email: "ada@example.com", name: "Ada Lovelace", country: "KE", locale: "en-KE" },
    amount: 5000,
    currency: "USD",
    description: "March bounty",
    reference: "bounty-2026-03-42",
    notify: "none",
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
  description:
    "Includes `claim_url`, the recipient's link while one is live (recomputed, never a new link), `status_reason` and `expected_by`.",
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

export const resendPayoutOperation = defineOperation({
  method: "POST",
  path: "/payouts/{id}/resend",
  operationId: "resendPayoutLink",
  tag,
  summary: "Email the claim link again",
  description:
    'Emails the recipient their current claim link again (the same link), e.g. when the first email went to spam. Only a claimable payout has a link to resend; a payout created with `notify: "none"` is never emailed (409).',
  params: idParamsSchema,
  response: {
    status: 200,
    schema: payoutResourceSchema,
    description: "The payout, with its claim_url",
    example: {
      ...examplePayout,
      claim_url: "https://pay.example.com/c/k3Jm9wQ2xV7pL0aZ4rT8yB1nC6dF5gH2sE9uI0oP3qR",
    },
  },
  errors: ["invalid_state_transition", "conflict"],
});

export const reissuePayoutOperation = defineOperation({
  method: "POST",
  path: "/payouts/{id}/reissue",
  operationId: "reissuePayoutLink",
  tag,
  summary: "Reissue the claim link",
  description:
    'Issues a new claim link and kills the old one at once (a forwarded or leaked link stops working), and emails it unless the payout has `notify: "none"`. A claimable payout keeps its deadline. An `expired` payout becomes claimable again: its amount is reserved from the available balance again (`insufficient_funds` if it cannot be, and nothing changes) and a new claim window starts, of `expires_in_days` or of the payout\'s own window.',
  params: idParamsSchema,
  body: z
    .strictObject({
      expires_in_days: expiresInDaysSchema
        .optional()
        .meta({ description: "For an expired payout: the new claim window, in days" }),
    })
    .meta({ id: "ReissuePayout" }),
  response: {
    status: 200,
    schema: payoutResourceSchema,
    description: "The payout, claimable, with its new claim_url",
    example: {
      ...examplePayout,
      claim_url: "https://pay.example.com/c/Zq8Xw2Ve5Rt7Yu1Io4Pa6Sd9Fg3Hj0Kl2Zx5Cv8Bn1Mq",
    },
  },
  responseHoldsSecret: true,
  errors: ["invalid_state_transition", "insufficient_funds"],
  example: { expires_in_days: 14 },
});
