import { and, eq, sql } from "drizzle-orm";
import type { DbOrTx } from "@/db/client";
import { batches, payouts } from "@/db/schema";
import { type Scope, tenantWhere } from "@/db/scope";
import { inTransaction } from "@/db/transaction";
import {
  applyBatchEvent,
  type BatchEvent,
  type BatchRow,
  batchRefusal,
} from "@/lib/batches/machine";
import { AppError } from "@/lib/errors";
import { recordEvent } from "@/lib/events/outbox";
import { applyPayoutEvent } from "@/lib/payouts/machine";
import { batchProgress, getBatch } from "@/lib/payouts/queries";
import { serializeBatch } from "@/lib/payouts/serialize";

async function refuseBatch(
  db: DbOrTx,
  scope: Scope,
  batchId: string,
  event: BatchEvent,
): Promise<never> {
  const batch = await getBatch(db, scope, batchId);
  if (!batch) throw new AppError("not_found", `No such batch: ${batchId}`);
  throw batchRefusal(event, batch.status);
}

/**
 * Maker–checker: a campaign over the approval threshold is approved by a member other
 * than its creator. The comparison is inside the UPDATE, so it holds under concurrency.
 */
export async function approveBatch(
  db: DbOrTx,
  scope: Scope,
  params: { batchId: string; approverId: string },
): Promise<BatchRow> {
  const row = await applyBatchEvent(db, scope, params.batchId, "approve", {
    set: { approvedBy: params.approverId },
    guard: sql`${batches.createdBy} is distinct from ${params.approverId}`,
  });
  if (row) return row;
  const batch = await getBatch(db, scope, params.batchId);
  if (batch?.status === "awaiting_approval") {
    throw new AppError("forbidden", "The member who created a campaign cannot approve it.");
  }
  return refuseBatch(db, scope, params.batchId, "approve");
}

/**
 * Marks a campaign whose fan-out has finished as completed and emits `batch.completed`,
 * once: a repeated call returns null.
 */
export async function completeBatch(
  db: DbOrTx,
  scope: Scope,
  batchId: string,
): Promise<BatchRow | null> {
  return inTransaction(db, async (tx) => {
    const row = await applyBatchEvent(tx, scope, batchId, "complete", {
      set: { completedAt: new Date() },
    });
    if (!row) return null;
    const progress = await batchProgress(tx, scope, batchId);
    await recordEvent(tx, scope, "batch.completed", { object: serializeBatch(row, progress) });
    return row;
  });
}

/**
 * Cancels a campaign that has not completed: every payout whose funds are still only
 * reserved is canceled and released; payouts already with a provider run their course
 * (the payout machine refuses to cancel them).
 */
export async function cancelBatch(
  db: DbOrTx,
  scope: Scope,
  params: { batchId: string; actor?: string },
): Promise<{ batch: BatchRow; canceledPayouts: number }> {
  return inTransaction(db, async (tx) => {
    const row = await applyBatchEvent(tx, scope, params.batchId, "cancel");
    if (!row) return refuseBatch(tx, scope, params.batchId, "cancel");
    const members = await tx
      .select({ id: payouts.id })
      .from(payouts)
      .where(and(tenantWhere(payouts, scope), eq(payouts.batchId, row.id)));
    const { moved } = await applyPayoutEvent(
      tx,
      scope,
      members.map((r) => r.id),
      "cancel",
      { reason: "batch_canceled", actor: params.actor },
    );
    return { batch: row, canceledPayouts: moved.length };
  });
}
