import { and, eq, ne, sql } from "drizzle-orm";
import type { DbOrTx } from "@/db/client";
import { batches, payouts } from "@/db/schema";
import { type Scope, tenantWhere } from "@/db/scope";
import { inTransaction } from "@/db/transaction";
import { AppError } from "@/lib/errors";
import { recordEvent } from "@/lib/events/outbox";
import type { BatchRow } from "./create-batch";
import { batchProgress, getBatch } from "./queries";
import { serializeBatch } from "./serialize";
import { cancelableStatuses, transitionPayouts } from "./transitions";

function batchWhere(scope: Scope, batchId: string, status: BatchRow["status"]) {
  return and(tenantWhere(batches, scope), eq(batches.id, batchId), eq(batches.status, status));
}

async function refuseBatch(
  db: DbOrTx,
  scope: Scope,
  batchId: string,
  action: string,
): Promise<never> {
  const batch = await getBatch(db, scope, batchId);
  if (!batch) throw new AppError("not_found", `No such batch: ${batchId}`);
  throw new AppError("invalid_state_transition", `A ${batch.status} batch cannot be ${action}.`, {
    meta: { current: batch.status },
  });
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
  const [row] = await db
    .update(batches)
    .set({ status: "processing", approvedBy: params.approverId, updatedAt: new Date() })
    .where(
      and(
        batchWhere(scope, params.batchId, "awaiting_approval"),
        sql`${batches.createdBy} is distinct from ${params.approverId}`,
      ),
    )
    .returning();
  if (row) return row;
  const batch = await getBatch(db, scope, params.batchId);
  if (batch?.status === "awaiting_approval") {
    throw new AppError("forbidden", "The member who created a campaign cannot approve it.");
  }
  return refuseBatch(db, scope, params.batchId, "approved");
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
    const now = new Date();
    const [row] = await tx
      .update(batches)
      .set({ status: "completed", completedAt: now, updatedAt: now })
      .where(batchWhere(scope, batchId, "processing"))
      .returning();
    if (!row) return null;
    const progress = await batchProgress(tx, scope, batchId);
    await recordEvent(tx, scope, "batch.completed", { object: serializeBatch(row, progress) });
    return row;
  });
}

/**
 * Cancels a campaign that has not completed: every payout whose funds are still only
 * reserved is canceled and released; payouts already with a provider run their course.
 */
export async function cancelBatch(
  db: DbOrTx,
  scope: Scope,
  params: { batchId: string; actor?: string },
): Promise<{ batch: BatchRow; canceledPayouts: number }> {
  return inTransaction(db, async (tx) => {
    const [row] = await tx
      .update(batches)
      .set({ status: "canceled", updatedAt: new Date() })
      .where(
        and(
          tenantWhere(batches, scope),
          eq(batches.id, params.batchId),
          ne(batches.status, "completed"),
          ne(batches.status, "canceled"),
        ),
      )
      .returning();
    if (!row) return refuseBatch(tx, scope, params.batchId, "canceled");
    let canceledPayouts = 0;
    for (const from of cancelableStatuses()) {
      const ids = await tx
        .select({ id: payouts.id })
        .from(payouts)
        .where(and(eq(payouts.batchId, row.id), eq(payouts.status, from)));
      const { transitioned } = await transitionPayouts(tx, scope, {
        payoutIds: ids.map((r) => r.id),
        from,
        to: "canceled",
        reason: "batch_canceled",
        actor: params.actor,
      });
      canceledPayouts += transitioned.length;
    }
    return { batch: row, canceledPayouts };
  });
}
