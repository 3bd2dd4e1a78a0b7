import { eq } from "drizzle-orm";
import { z } from "zod";
import type { DbOrTx } from "@/db/client";
import { batches, organisations } from "@/db/schema";
import type { Scope } from "@/db/scope";
import { inTransaction } from "@/db/transaction";
import type { BatchRow } from "@/lib/batches/machine";
import { recordEvent } from "@/lib/events/outbox";
import { newId } from "@/lib/ids";
import { methodIdSchema } from "@/lib/methods/types";
import { amountSchema, currencySchema, MAX_AMOUNT } from "@/lib/money";
import {
  descriptionSchema,
  expiresInDaysSchema,
  inlineRecipientSchema,
  metadataSchema,
  toInlineRecipient,
} from "@/lib/payouts/input-schemas";
import { DEFAULT_EXPIRY_DAYS, enterPayouts } from "@/lib/payouts/machine";
import { serializeBatch } from "@/lib/payouts/serialize";
import { upsertRecipients } from "@/lib/recipients/upsert";
import { singleLine } from "@/lib/text";
import { describeConflicts, recipientConflicts } from "./recipient-conflicts";

export const MAX_BATCH_ITEMS = 10_000;

const batchItemSchema = z
  .strictObject({
    recipient: inlineRecipientSchema,
    amount: amountSchema,
    description: descriptionSchema.optional(),
    metadata: metadataSchema.optional(),
  })
  .meta({ id: "CreateBatchItem" });

export const createBatchBodySchema = z
  .strictObject({
    name: singleLine(z.string().trim().min(1).max(200)),
    currency: currencySchema,
    message: z.string().trim().min(1).max(2_000).optional(),
    allowed_methods: z.array(methodIdSchema).min(1).max(50).optional(),
    expires_in_days: expiresInDaysSchema.optional(),
    items: z
      .array(batchItemSchema)
      .min(1, "at least one item")
      .max(MAX_BATCH_ITEMS, `at most ${MAX_BATCH_ITEMS} items per request`),
  })
  .superRefine((body, ctx) => {
    // zod runs this even when some items failed their own schema: those are skipped
    // here (they already have their errors), never summed or read as valid.
    const total = body.items.reduce(
      (sum, item) => sum + (typeof item?.amount === "bigint" ? item.amount : 0n),
      0n,
    );
    if (total > MAX_AMOUNT) {
      ctx.addIssue({ code: "custom", path: ["items"], message: "a total of at most 10^15" });
    }
    const sameRecipient = recipientConflicts();
    body.items.forEach((item, i) => {
      const recipient = item?.recipient;
      if (typeof recipient?.external_id !== "string") return;
      for (const conflict of sameRecipient(i, recipient.external_id, recipient)) {
        ctx.addIssue({
          code: "custom",
          path: ["items", i, "recipient", conflict.field],
          message: describeConflicts(recipient.external_id, [conflict], (at) => `Item ${at}`),
        });
      }
    });
  })
  .meta({ id: "CreateBatch" });

export type CreateBatchBody = z.output<typeof createBatchBodySchema>;

/**
 * Creates a campaign and all its payouts in `pending`, reserving the whole total in one
 * ledger transaction: either every payout is funded or nothing is written. Rows go in
 * with multi-row INSERTs in chunks, so a 10,000-item batch costs a few dozen round trips.
 * A campaign whose total exceeds the organisation's approval threshold for its currency
 * waits in `awaiting_approval`; the background fan-out only picks up `processing` ones.
 */
export async function createBatch(
  db: DbOrTx,
  scope: Scope,
  body: CreateBatchBody,
  options: { actor?: string } = {},
): Promise<{ batch: BatchRow; payoutIds: string[] }> {
  return inTransaction(db, async (tx) => {
    const [org] = await tx
      .select({ approvalThresholds: organisations.approvalThresholds })
      .from(organisations)
      .where(eq(organisations.id, scope.organisationId));
    const total = body.items.reduce((sum, item) => sum + item.amount, 0n);
    const threshold = org?.approvalThresholds[body.currency];
    const needsApproval = threshold !== undefined && total > BigInt(threshold);

    const now = new Date();
    const days = body.expires_in_days ?? DEFAULT_EXPIRY_DAYS;
    const [batch] = await tx
      .insert(batches)
      .values({
        id: newId("batch"),
        organisationId: scope.organisationId,
        mode: scope.mode,
        name: body.name,
        message: body.message ?? null,
        currency: body.currency,
        allowedMethods: body.allowed_methods ?? null,
        linkExpiryDays: days,
        status: needsApproval ? "awaiting_approval" : "processing",
        itemCount: body.items.length,
        totalAmount: total,
        createdBy: options.actor ?? null,
        createdAt: now,
        updatedAt: now,
      })
      .returning();
    const batchRow = batch as BatchRow;

    const recipientIds = await upsertRecipients(
      tx,
      scope,
      body.items.map((item) => toInlineRecipient(item.recipient)),
      { at: (i) => `items.${i}.recipient` },
    );
    await recordEvent(tx, scope, "batch.created", { object: serializeBatch(batchRow) });
    const rows = await enterPayouts(
      tx,
      scope,
      body.items.map((item, i) => ({
        recipientId: recipientIds[i] as string,
        batchId: batchRow.id,
        amount: item.amount,
        currency: body.currency,
        description: item.description ?? null,
        metadata: item.metadata ?? {},
        expiresInDays: days,
      })),
      { actor: options.actor, reserveKey: `batch:${batchRow.id}:reserve`, now },
    );
    return { batch: batchRow, payoutIds: rows.map((r) => r.id) };
  });
}
