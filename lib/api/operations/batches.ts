import { createBatchBodySchema } from "@/lib/batches/create-batch";
import { listBatchesQuerySchema } from "@/lib/payouts/list-params";
import { batchListSchema, batchResourceSchema } from "@/lib/payouts/serialize";
import { exampleBatch, exampleList } from "../examples";
import { defineOperation } from "../operation";
import { idParamsSchema } from "./common";

const tag = "Batches";

export const createBatchOperation = defineOperation({
  method: "POST",
  path: "/batches",
  operationId: "createBatch",
  tag,
  summary: "Create a batch",
  description:
    "Creates a campaign of up to 10,000 payouts in one call. Every item is validated first (errors name the item's index, e.g. `items.3.amount`), and the whole total is reserved at once: either every payout is created and funded, or nothing is. Requires an `Idempotency-Key`. An item's `reference` (your id for it) is unique per organisation and mode: one repeated within the request is refused at the repeating item, and one already used is a 409 whose `errors` name the item and the payout that has it. Items without a reference that repeat an earlier item's recipient and amount are refused unless `allow_duplicates` is true. A campaign the balance cannot cover is refused and fires `balance.low` with its projected shortfall.",
  idempotency: "required",
  body: createBatchBodySchema,
  response: {
    status: 201,
    schema: batchResourceSchema,
    description: "The new batch",
    example: { ...exampleBatch, progress: undefined },
  },
  errors: ["insufficient_funds", "payload_too_large", "conflict"],
  example: {
    name: "March bounties",
    currency: "USD",
    items: [
      {
        recipient: { email: "ada@example.com", country: "KE" },
        amount: 5000,
        reference: "bounty-42",
      },
      {
        recipient: { email: "alan@example.com", country: "GB" },
        amount: 7500,
        reference: "bounty-43",
        notify: "none",
      },
    ],
  },
});

export const listBatchesOperation = defineOperation({
  method: "GET",
  path: "/batches",
  operationId: "listBatches",
  tag,
  summary: "List batches",
  query: listBatchesQuerySchema,
  response: {
    status: 200,
    schema: batchListSchema,
    description: "A page of batches",
    example: exampleList({ ...exampleBatch, progress: undefined }),
  },
});

export const getBatchOperation = defineOperation({
  method: "GET",
  path: "/batches/{id}",
  operationId: "getBatch",
  tag,
  summary: "Retrieve a batch",
  description: "Includes `progress`: how many of the batch's payouts are in each status.",
  params: idParamsSchema,
  response: {
    status: 200,
    schema: batchResourceSchema,
    description: "The batch with progress",
    example: exampleBatch,
  },
});

export const approveBatchOperation = defineOperation({
  method: "POST",
  path: "/batches/{id}/approve",
  operationId: "approveBatch",
  tag,
  summary: "Approve a batch",
  description:
    "Approves a campaign waiting in `awaiting_approval` (its total is over your approval threshold), and its fan-out starts. Maker–checker: the API key that created the batch cannot approve it (403); another key, or a member in the dashboard, can.",
  params: idParamsSchema,
  response: {
    status: 200,
    schema: batchResourceSchema,
    description: "The approved batch",
    example: { ...exampleBatch, progress: undefined },
  },
  errors: ["forbidden", "invalid_state_transition"],
});
