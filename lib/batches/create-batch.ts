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
  notifySchema,
  referenceSchema,
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
    reference: referenceSchema.optional(),
    notify: notifySchema.optional(),
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
    allow_duplicates: z.boolean().optional().meta({
      description:
        "Items without a reference that repeat an earlier item's recipient and amount are refused, since paying someone twice is usually a mistake; `true` pays each of them.",
    }),
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
    const conflicting = new Set<number>();
    body.items.forEach((item, i) => {
      const recipient = item?.recipient;
      if (typeof recipient?.external_id !== "string") return;
      for (const conflict of sameRecipient(i, recipient.external_id, recipient)) {
        conflicting.add(i);
        ctx.addIssue({
          code: "custom",
          path: ["items", i, "recipient", conflict.field],
          message: describeConflicts(recipient.external_id, [conflict], (at) => `Item ${at}`),
        });
      }
    });
    // An item already refused for describing its recipient differently says so alone.
    for (const { index, field, message } of repeatedItems(body.items, body.allow_duplicates)) {
      if (!conflicting.has(index))
        ctx.addIssue({ code: "custom", path: ["items", index, field], message });
    }
  })
  .meta({ id: "CreateBatch" });

export type CreateBatchBody = z.output<typeof createBatchBodySchema>;

type Item = z.output<typeof batchItemSchema>;

/**
 * Items that repeat an earlier one: the same reference (refused always, a reference
 * names one payout), or, for items without a reference, the same recipient (by
 * external_id, else email) and amount, which usually means a file or loop sent a row
 * twice; `allow_duplicates` pays those anyway.
 */
function repeatedItems(items: Item[], allowDuplicates = false) {
  const issues: { index: number; field: "reference" | "amount"; message: string }[] = [];
  const references = new Map<string, number>();
  const payments = new Map<string, number>();
  items.forEach((item, index) => {
    // Items that failed their own schema (this runs anyway) have their errors already.
    if (typeof item?.amount !== "bigint" || typeof item.recipient !== "object") return;
    if (typeof item.reference === "string") {
      const first = references.get(item.reference);
      if (first === undefined) references.set(item.reference, index);
      else issues.push({ index, field: "reference", message: `Repeats item ${first}'s reference` });
      return;
    }
    if (allowDuplicates) return;
    const { external_id: externalId, email } = item.recipient;
    if (typeof externalId !== "string" && typeof email !== "string") return;
    const who = externalId ? `external_id:${externalId}` : `email:${String(email).toLowerCase()}`;
    const key = `${who}:${item.amount}`;
    const first = payments.get(key);
    if (first === undefined) payments.set(key, index);
    else {
      issues.push({
        index,
        field: "amount",
        message: `Pays the same recipient the same amount as item ${first}; give each item a reference, or set allow_duplicates: true to pay both`,
      });
    }
  });
  return issues;
}

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
        reference: item.reference ?? null,
        notify: item.notify ?? "email",
      })),
      {
        actor: options.actor,
        reserveKey: `batch:${batchRow.id}:reserve`,
        now,
        context: { batchStatus: batchRow.status },
        referenceAt: (i) => `items.${i}.reference`,
      },
    );
    return { batch: batchRow, payoutIds: rows.map((r) => r.id) };
  });
}
