import { z } from "zod";
import {
  createdQuerySchemas,
  idQuerySchema,
  pageOf,
  paginationQuerySchema,
} from "@/lib/api/pagination";
import type { CreatedRange, ListBatchesParams, ListPayoutsParams } from "./queries";
import { payoutStatusSchema } from "./serialize";

type CreatedQuery = { [K in keyof typeof createdQuerySchemas]?: Date };

function createdRange(q: CreatedQuery): CreatedRange | undefined {
  const range: CreatedRange = {
    gt: q["created[gt]"] ?? q.created_after,
    gte: q["created[gte]"],
    lt: q["created[lt]"] ?? q.created_before,
    lte: q["created[lte]"],
  };
  return Object.values(range).some(Boolean) ? range : undefined;
}

export const listPayoutsQuerySchema = z
  .strictObject({
    ...paginationQuerySchema("payout").shape,
    ...createdQuerySchemas,
    status: payoutStatusSchema.optional(),
    recipient_id: idQuerySchema("recipient", "Only this recipient's payouts").optional(),
    batch_id: idQuerySchema("batch", "Only this batch's payouts").optional(),
  })
  .transform(
    (q): ListPayoutsParams => ({
      ...pageOf(q),
      status: q.status,
      recipientId: q.recipient_id,
      batchId: q.batch_id,
      created: createdRange(q),
    }),
  );

export const listBatchesQuerySchema = z
  .strictObject({
    ...paginationQuerySchema("batch").shape,
    ...createdQuerySchemas,
    status: z.enum(["awaiting_approval", "processing", "completed", "canceled"]).optional(),
  })
  .transform(
    (q): ListBatchesParams => ({
      ...pageOf(q),
      status: q.status,
      created: createdRange(q),
    }),
  );
