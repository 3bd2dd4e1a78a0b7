import { z } from "zod";
import { type batches, type PayoutStatus, payoutStatusEnum, type payouts } from "@/db/schema";
import { listSchema } from "@/lib/api/pagination";
import { type MethodId, methodIdSchema } from "@/lib/methods/types";
import { type Currency, currencySchema, wireAmountSchema } from "@/lib/money";

export const payoutStatuses = payoutStatusEnum.enumValues;
export const payoutStatusSchema = z.enum(payoutStatuses);

const timestamp = z.iso.datetime({ offset: true });

export const payoutResourceSchema = z
  .object({
    id: z.string(),
    object: z.literal("payout"),
    livemode: z.boolean(),
    status: payoutStatusSchema,
    amount: wireAmountSchema,
    currency: currencySchema,
    recipient_id: z.string(),
    batch_id: z.string().nullable(),
    description: z.string().nullable(),
    metadata: z.record(z.string(), z.string()),
    method: methodIdSchema.nullable(),
    failure_reason: z.string().nullable(),
    expires_at: timestamp,
    claimed_at: timestamp.nullable(),
    paid_at: timestamp.nullable(),
    created_at: timestamp,
    updated_at: timestamp,
  })
  .meta({ id: "Payout" });
export type PayoutResource = z.infer<typeof payoutResourceSchema>;

export const batchProgressSchema = z
  .object(Object.fromEntries(payoutStatuses.map((s) => [s, z.int().nonnegative()])))
  .meta({ id: "BatchProgress", description: "How many of the batch's payouts are in each status" });
export type BatchProgress = Record<PayoutStatus, number>;

export const batchResourceSchema = z
  .object({
    id: z.string(),
    object: z.literal("batch"),
    livemode: z.boolean(),
    name: z.string(),
    status: z.enum(["awaiting_approval", "processing", "completed", "canceled"]),
    currency: currencySchema,
    message: z.string().nullable(),
    allowed_methods: z.array(methodIdSchema).nullable(),
    expires_in_days: z.int(),
    item_count: z.int(),
    total_amount: wireAmountSchema,
    created_at: timestamp,
    completed_at: timestamp.nullable(),
    progress: batchProgressSchema.optional(),
  })
  .meta({ id: "Batch" });
export type BatchResource = z.infer<typeof batchResourceSchema>;

export const payoutListSchema = listSchema(payoutResourceSchema, "PayoutList");
export const batchListSchema = listSchema(batchResourceSchema, "BatchList");

type PayoutRow = typeof payouts.$inferSelect;
type BatchRow = typeof batches.$inferSelect;

const iso = (d: Date) => d.toISOString();
const isoOrNull = (d: Date | null) => (d ? d.toISOString() : null);

export function serializePayout(row: PayoutRow): PayoutResource {
  return {
    id: row.id,
    object: "payout",
    livemode: row.mode === "live",
    status: row.status,
    amount: Number(row.amount),
    // Columns written only through the request schemas; the response check holds them to it.
    currency: row.currency as Currency,
    recipient_id: row.recipientId,
    batch_id: row.batchId,
    description: row.description,
    metadata: row.metadata,
    method: row.method as MethodId | null,
    failure_reason: row.failureReason,
    expires_at: iso(row.expiresAt),
    claimed_at: isoOrNull(row.claimedAt),
    paid_at: isoOrNull(row.paidAt),
    created_at: iso(row.createdAt),
    updated_at: iso(row.updatedAt),
  };
}

export function serializeBatch(row: BatchRow, progress?: BatchProgress): BatchResource {
  return {
    id: row.id,
    object: "batch",
    livemode: row.mode === "live",
    name: row.name,
    status: row.status,
    currency: row.currency as Currency,
    message: row.message,
    allowed_methods: row.allowedMethods as MethodId[] | null,
    expires_in_days: row.linkExpiryDays,
    item_count: row.itemCount,
    total_amount: Number(row.totalAmount),
    created_at: iso(row.createdAt),
    completed_at: isoOrNull(row.completedAt),
    ...(progress ? { progress } : {}),
  };
}
