import { and, asc, eq, lt } from "drizzle-orm";
import type { DbOrTx } from "@/db/client";
import { batches, payouts } from "@/db/schema";
import { type Scope, tenantWhere } from "@/db/scope";
import { completeBatch } from "@/lib/batches/lifecycle";
import { PREPARE_CHUNK, preparePayouts } from "@/lib/payouts/prepare-payouts";

export const FAN_OUT_CHUNK = PREPARE_CHUNK;

/**
 * Screens the next `size` pending payouts of a campaign and makes the ones that pass
 * claimable with a link (see `preparePayouts`). Returns counts only: the links' tokens
 * never leave this function, the invite step recomputes them.
 */
export async function prepareNextBatchChunk(
  db: DbOrTx,
  scope: Scope,
  batchId: string,
  options: { size?: number } = {},
): Promise<{ claimable: number; review: number; canceled: number; done: boolean }> {
  const size = options.size ?? FAN_OUT_CHUNK;
  const pending = await db
    .select({ id: payouts.id })
    .from(payouts)
    .where(
      and(tenantWhere(payouts, scope), eq(payouts.batchId, batchId), eq(payouts.status, "pending")),
    )
    .orderBy(asc(payouts.id))
    .limit(size);
  const result = await preparePayouts(
    db,
    scope,
    pending.map((p) => p.id),
  );
  return {
    claimable: result.links.length,
    review: result.review.length,
    canceled: result.canceled.length,
    done: pending.length < size,
  };
}

/** Completes the campaign (emitting `batch.completed`) once none of its payouts is pending. */
export async function finishBatchFanOut(
  db: DbOrTx,
  scope: Scope,
  batchId: string,
): Promise<{ completed: boolean }> {
  const [stillPending] = await db
    .select({ id: payouts.id })
    .from(payouts)
    .where(
      and(tenantWhere(payouts, scope), eq(payouts.batchId, batchId), eq(payouts.status, "pending")),
    )
    .limit(1);
  if (stillPending) return { completed: false };
  return { completed: (await completeBatch(db, scope, batchId)) !== null };
}

/**
 * Campaigns whose fan-out has not finished though it should have started a while ago:
 * approved campaigns (approval emits no event) and fan-outs that stopped. The sweep
 * requests a fan-out for each; a running one makes the request wait and find nothing.
 */
export async function batchesAwaitingFanOut(
  db: DbOrTx,
  options: { now?: Date; graceMs?: number; limit?: number } = {},
): Promise<{ batchId: string; organisationId: string; mode: Scope["mode"] }[]> {
  const now = options.now ?? new Date();
  return db
    .select({ batchId: batches.id, organisationId: batches.organisationId, mode: batches.mode })
    .from(batches)
    .where(
      and(
        eq(batches.status, "processing"),
        lt(batches.updatedAt, new Date(now.getTime() - (options.graceMs ?? 60_000))),
      ),
    )
    .orderBy(asc(batches.updatedAt))
    .limit(options.limit ?? 100);
}
