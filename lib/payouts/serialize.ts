import { z } from "zod";
import {
  type BatchStatus,
  type batches,
  type PayoutStatus,
  payoutNotifyEnum,
  payoutStatusEnum,
  type payouts,
} from "@/db/schema";
import { listSchema } from "@/lib/api/pagination";
import { type MethodId, methodIdSchema } from "@/lib/methods/types";
import { type Currency, currencySchema, wireAmountSchema } from "@/lib/money";
import { expectedBy, statusReason } from "./status-reason";

export const payoutStatuses = payoutStatusEnum.enumValues;
export const payoutStatusSchema = z.enum(payoutStatuses);

const timestamp = z.iso.datetime({ offset: true });

export const statusReasonSchema = z
  .object({
    code: z.string().meta({
      description:
        "Stable: `screening`, `awaiting_approval`, `awaiting_review`, `awaiting_claim`, `claimed_submitting`, `provider_processing`, `paid`, `failed:<code>`, `returned:<code>`, `expired`, `canceled`",
      example: "awaiting_claim",
    }),
    message: z.string().meta({
      description: "What the payout is waiting for, in a sentence you may show",
      example:
        "Waiting for the recipient to claim it with the link we emailed them, by 2026-12-01.",
    }),
  })
  .meta({ id: "PayoutStatusReason", description: "Why the payout is in its status" });

export const expectedBySchema = z
  .object({ earliest: timestamp, latest: timestamp })
  .nullable()
  .meta({
    id: "PayoutExpectedBy",
    description:
      "When the money should reach the recipient, from the chosen method's speed; null until a method is chosen and once there is an outcome",
  });

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
    reference: z
      .string()
      .nullable()
      .meta({ description: "Your own id for this payout, unique per organisation and mode" }),
    notify: z.enum(payoutNotifyEnum.enumValues).meta({
      description: "`email`: we email the claim link; `none`: you deliver `claim_url` yourself",
    }),
    status_reason: statusReasonSchema,
    expected_by: expectedBySchema,
    claim_url: z.url().nullable().optional().meta({
      description:
        "The recipient's claim link while one is live (null before the payout is claimable, and after it expired or was canceled). Only in the answers to creating, retrieving, resending and reissuing a payout; never in lists, events or webhooks.",
    }),
    method: methodIdSchema.nullable(),
    failure_reason: z.string().nullable(),
    expires_at: timestamp,
    claimed_at: timestamp.nullable(),
    paid_at: timestamp.nullable(),
    created_at: timestamp,
    updated_at: timestamp,
    review: z
      .object({
        reason_codes: z.array(z.string()).meta({
          description:
            "Why the payout awaits review: sanctions_list_match, shared_destination, recipient_daily_amount, …",
        }),
      })
      .optional()
      .meta({ description: "Only on a payout awaiting review, when retrieved by id" }),
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

/** What a payout's object says beyond its own row. */
export type PayoutContext = {
  /** Its campaign's status, for a pending payout (whether it waits for approval). */
  batchStatus?: BatchStatus | null;
  /** Its live claim link's URL (null: none); left out, the object has no `claim_url`. */
  claimUrl?: string | null;
};

export function serializePayout(row: PayoutRow, context: PayoutContext = {}): PayoutResource {
  const window = expectedBy(row);
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
    reference: row.reference,
    notify: row.notify,
    status_reason: statusReason(row, context.batchStatus),
    expected_by: window ? { earliest: iso(window.earliest), latest: iso(window.latest) } : null,
    ...(context.claimUrl !== undefined ? { claim_url: context.claimUrl } : {}),
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
