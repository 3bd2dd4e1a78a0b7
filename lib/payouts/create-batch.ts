import { eq } from "drizzle-orm";
import { z } from "zod";
import type { DbOrTx } from "@/db/client";
import { batches, organisations } from "@/db/schema";
import { recordEvent, type Scope } from "@/lib/events/outbox";
import { newId, newIds } from "@/lib/ids";
import { amountSchema, currencySchema, MAX_AMOUNT } from "@/lib/money";
import { bulkInsert } from "./bulk-sql";
import { DEFAULT_EXPIRY_DAYS } from "./create-payout";
import { inTransaction } from "./in-transaction";
import {
  descriptionSchema,
  expiresInDaysSchema,
  inlineRecipientSchema,
  metadataSchema,
  toInlineRecipient,
} from "./input-schemas";
import { serializeBatch } from "./serialize";
import { creationMovement, type PayoutRow, postMovement, recordTransitions } from "./transitions";
import { upsertRecipients } from "./upsert-recipients";

export const MAX_BATCH_ITEMS = 10_000;

const payoutColumns = [
  { name: "id", type: "text" },
  { name: "organisation_id", type: "text" },
  { name: "mode", type: "mode" },
  { name: "recipient_id", type: "text" },
  { name: "batch_id", type: "text" },
  { name: "amount", type: "bigint" },
  { name: "currency", type: "text" },
  { name: "status", type: "payout_status" },
  { name: "description", type: "text" },
  { name: "metadata", type: "jsonb" },
  { name: "expires_at", type: "timestamptz" },
  { name: "created_at", type: "timestamptz" },
  { name: "updated_at", type: "timestamptz" },
];
const DAY_MS = 86_400_000;

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
    name: z.string().trim().min(1).max(200),
    currency: currencySchema,
    message: z.string().trim().min(1).max(2_000).optional(),
    allowed_methods: z
      .array(z.string().regex(/^[a-z0-9_]{1,50}$/, "a payout method id such as paypal"))
      .min(1)
      .max(50)
      .optional(),
    expires_in_days: expiresInDaysSchema.optional(),
    items: z
      .array(batchItemSchema)
      .min(1, "at least one item")
      .max(MAX_BATCH_ITEMS, `at most ${MAX_BATCH_ITEMS} items per request`),
  })
  .superRefine((body, ctx) => {
    const total = body.items.reduce((sum, item) => sum + item.amount, 0n);
    if (total > MAX_AMOUNT) {
      ctx.addIssue({ code: "custom", path: ["items"], message: "a total of at most 10^15" });
    }
  })
  .meta({ id: "CreateBatch" });

export type CreateBatchBody = z.output<typeof createBatchBodySchema>;
export type BatchRow = typeof batches.$inferSelect;

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
    );
    const expiresAt = new Date(now.getTime() + days * DAY_MS);
    const ids = newIds("payout", body.items.length);
    const rows: PayoutRow[] = body.items.map((item, i) => ({
      id: ids[i] as string,
      organisationId: scope.organisationId,
      mode: scope.mode,
      recipientId: recipientIds[i] as string,
      batchId: batchRow.id,
      amount: item.amount,
      currency: body.currency,
      status: "pending",
      description: item.description ?? null,
      metadata: item.metadata ?? {},
      method: null,
      methodDetails: null,
      providerReference: null,
      failureReason: null,
      attempt: 0,
      expiresAt,
      claimedAt: null,
      paidAt: null,
      createdAt: now,
      updatedAt: now,
    }));
    await bulkInsert(
      tx,
      "payouts",
      payoutColumns,
      rows.map((r) => ({
        id: r.id,
        organisation_id: r.organisationId,
        mode: r.mode,
        recipient_id: r.recipientId,
        batch_id: r.batchId,
        amount: r.amount,
        currency: r.currency,
        status: r.status,
        description: r.description,
        metadata: r.metadata,
        expires_at: r.expiresAt,
        created_at: r.createdAt,
        updated_at: r.updatedAt,
      })),
    );

    await recordEvent(tx, scope, "batch.created", { object: serializeBatch(batchRow) });
    await recordTransitions(tx, scope, rows, { from: null, actor: options.actor });
    // Last, so the organisation's ledger rows are locked for the commit only, not while
    // 10,000 events are written.
    await postMovement(tx, scope, creationMovement, rows, `batch:${batchRow.id}:reserve`);
    return { batch: batchRow, payoutIds: rows.map((r) => r.id) };
  });
}
