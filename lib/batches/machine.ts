import { and, type SQL, sql } from "drizzle-orm";
import type { DbOrTx } from "@/db/client";
import { type BatchStatus, batches } from "@/db/schema";
import { type Scope, tenantWhere } from "@/db/scope";
import { AppError } from "@/lib/errors";

export type BatchRow = typeof batches.$inferSelect;

/**
 * The batch (campaign) state machine, the same shape as the payout's: each event says
 * which statuses it applies in and where it leads; `applyBatchEvent` is the one guarded
 * UPDATE that moves a batch. A batch is created in `awaiting_approval` when its total is
 * over the organisation's threshold, else straight in `processing`.
 */
export const batchEvents = {
  /** Maker–checker: a second member (or key) approves, and the fan-out may start. */
  approve: { from: ["awaiting_approval"], to: "processing", done: "approved" },
  /** The fan-out has finished. */
  complete: { from: ["processing"], to: "completed", done: "completed" },
  cancel: { from: ["awaiting_approval", "processing"], to: "canceled", done: "canceled" },
} as const satisfies Record<
  string,
  { from: readonly BatchStatus[]; to: BatchStatus; done: string }
>;

export type BatchEvent = keyof typeof batchEvents;

/**
 * Moves one batch by `event`, with `set` written alongside and `guard` as an extra
 * condition inside the same UPDATE (so maker–checker holds under concurrency). Returns
 * the moved row, or null when the batch is absent, in another status or the guard failed.
 */
export async function applyBatchEvent(
  db: DbOrTx,
  scope: Scope,
  batchId: string,
  event: BatchEvent,
  options: { set?: Partial<Pick<BatchRow, "approvedBy" | "completedAt">>; guard?: SQL } = {},
): Promise<BatchRow | null> {
  const rule = batchEvents[event];
  const [row] = await db
    .update(batches)
    .set({ ...options.set, status: rule.to, updatedAt: new Date() })
    .where(
      and(
        tenantWhere(batches, scope),
        sql`${batches.id} = ${batchId}`,
        sql`${batches.status} = any(${sql.param(rule.from)}::batch_status[])`,
        options.guard,
      ),
    )
    .returning();
  return row ?? null;
}

/** The error for an event that does not apply to a batch's status. */
export function batchRefusal(event: BatchEvent, current: BatchStatus): AppError {
  return new AppError(
    "invalid_state_transition",
    `A ${current.replace(/_/g, " ")} batch cannot be ${batchEvents[event].done}.`,
    { meta: { event, current } },
  );
}
