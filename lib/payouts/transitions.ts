import { createHash } from "node:crypto";
import { and, eq, sql } from "drizzle-orm";
import { bulkInsert, matchesAny } from "@/db/bulk";
import type { DbOrTx, Tx } from "@/db/client";
import { type PayoutStatus, payouts, payoutTransitions } from "@/db/schema";
import { type Scope, tenantWhere } from "@/db/scope";
import { inTransaction } from "@/db/transaction";
import { revokeClaimLinks } from "@/lib/claims/links";
import { AppError } from "@/lib/errors";
import { type PendingEvent, recordEvents } from "@/lib/events/outbox";
import { newIds } from "@/lib/ids";
import { postTransaction } from "@/lib/ledger";
import { serializePayout } from "./serialize";

export type PayoutRow = typeof payouts.$inferSelect;

type Account = "available" | "reserved" | "in_transit" | "paid_out";

/** A ledger movement of the payout's full amount; `name` goes into the idempotency key. */
export type Movement = {
  name: "reserve" | "release" | "submit" | "settle" | "fail" | "return";
  from: Account;
  to: Account;
  /** Whether the key carries the attempt, because the movement can recur on a later attempt. */
  perAttempt: boolean;
};

const reserve: Movement = { name: "reserve", from: "available", to: "reserved", perAttempt: false };
const release: Movement = { name: "release", from: "reserved", to: "available", perAttempt: false };
const submit: Movement = { name: "submit", from: "reserved", to: "in_transit", perAttempt: true };
const settle: Movement = { name: "settle", from: "in_transit", to: "paid_out", perAttempt: true };
const fail: Movement = { name: "fail", from: "in_transit", to: "reserved", perAttempt: true };
// A returned payout's money already sits in paid_out; it comes back to reserved so the
// recipient can pick another method, exactly like a failure.
const giveBack: Movement = { name: "return", from: "paid_out", to: "reserved", perAttempt: true };

/** The movement that funds a new payout (it enters the machine in `pending`). */
export const creationMovement = reserve;

/**
 * Every allowed transition and the ledger movement it makes; anything not listed is
 * refused. `processing` cannot be canceled: the provider holds the money and its outcome
 * decides. Cancel is allowed wherever the funds are still only reserved.
 */
export const allowedTransitions: Readonly<
  Record<PayoutStatus, Partial<Record<PayoutStatus, Movement | null>>>
> = {
  pending: { awaiting_review: null, claimable: null, canceled: release },
  awaiting_review: { claimable: null, canceled: release },
  claimable: { claimed: null, expired: release, canceled: release },
  claimed: { processing: submit, canceled: release },
  processing: { paid: settle, failed: fail },
  failed: { claimed: null, canceled: release },
  paid: { returned: giveBack },
  returned: { claimed: null, canceled: release },
  expired: {},
  canceled: {},
};

export function canTransition(from: PayoutStatus, to: PayoutStatus): boolean {
  return to in allowedTransitions[from];
}

export function nextStatuses(from: PayoutStatus): PayoutStatus[] {
  return Object.keys(allowedTransitions[from]) as PayoutStatus[];
}

export function cancelableStatuses(): PayoutStatus[] {
  return (Object.keys(allowedTransitions) as PayoutStatus[]).filter((s) =>
    canTransition(s, "canceled"),
  );
}

/** Columns a caller may set along with a transition (e.g. the chosen method on claim). */
export type TransitionChanges = Partial<
  Pick<PayoutRow, "method" | "methodDetails" | "providerReference" | "failureReason">
>;

export type TransitionRequest = {
  from: PayoutStatus;
  to: PayoutStatus;
  /** Why: stored on the transition, on the event, and as `failure_reason` for failures. */
  reason?: string;
  /** Who: `user:usr_…`, `api_key:key_…`, `recipient`, `system`, `provider:…`. */
  actor?: string;
  changes?: TransitionChanges;
};

function refuse(from: PayoutStatus, to: PayoutStatus): never {
  throw new AppError("invalid_state_transition", `A ${from} payout cannot become ${to}.`, {
    meta: { from, to },
  });
}

/** Deterministic, so a retried step posts each movement once. */
export function movementKey(movement: Movement, rows: Pick<PayoutRow, "id" | "attempt">[]): string {
  const part = (r: Pick<PayoutRow, "id" | "attempt">) =>
    movement.perAttempt ? `${r.id}:${movement.name}:${r.attempt}` : `${r.id}:${movement.name}`;
  if (rows.length === 1) return `payout:${part(rows[0] as PayoutRow)}`;
  const digest = createHash("sha256").update(rows.map(part).sort().join("\n")).digest("base64url");
  return `payouts:${movement.name}:${digest}`;
}

export async function postMovement(
  tx: Tx,
  scope: Scope,
  movement: Movement,
  rows: Pick<PayoutRow, "id" | "attempt" | "amount" | "currency">[],
  idempotencyKey = movementKey(movement, rows),
): Promise<void> {
  if (rows.length === 0) return;
  await postTransaction(tx, scope, {
    idempotencyKey,
    description: `payout ${movement.name}`,
    transfers: rows.map((r) => ({
      from: movement.from,
      to: movement.to,
      amount: r.amount,
      currency: r.currency,
      payoutId: r.id,
    })),
  });
}

/** The audit row and the outbox event of each transition, in bulk. */
export async function recordTransitions(
  tx: Tx,
  scope: Scope,
  rows: PayoutRow[],
  transition: { from: PayoutStatus | null; reason?: string; actor?: string },
): Promise<void> {
  const ids = newIds("transition", rows.length);
  await bulkInsert(
    tx,
    payoutTransitions,
    rows.map((row, i) => ({
      id: ids[i] as string,
      payoutId: row.id,
      fromStatus: transition.from,
      toStatus: row.status,
      reason: transition.reason ?? null,
      actor: transition.actor ?? null,
    })),
  );
  await recordEvents(
    tx,
    scope,
    rows.map((row) => eventFor(row, transition)),
  );
}

function eventFor(
  row: PayoutRow,
  transition: { from: PayoutStatus | null; reason?: string },
): PendingEvent {
  const reason = transition.reason ?? null;
  if (row.status === "awaiting_review") {
    return {
      type: "recipient.review_required",
      data: { recipient_id: row.recipientId, payout_id: row.id, reason: reason ?? "review" },
    };
  }
  const type = transition.from === null ? "payout.created" : `payout.${row.status}`;
  return {
    type: type as Exclude<PendingEvent["type"], "recipient.review_required">,
    data: { object: serializePayout(row), previous_status: transition.from, reason },
  } as PendingEvent;
}

/**
 * Applies one transition to many payouts in one transaction: only rows still in `from`
 * move (the `WHERE status = from` is what makes concurrent attempts safe: the loser's
 * UPDATE re-checks the row after the winner commits and matches nothing). Moved rows
 * get one ledger transaction, their audit rows and their events; the rest are reported
 * as skipped.
 */
export async function transitionPayouts(
  db: DbOrTx,
  scope: Scope,
  request: TransitionRequest & { payoutIds: string[] },
): Promise<{ transitioned: PayoutRow[]; skipped: string[] }> {
  const { from, to } = request;
  if (!canTransition(from, to)) refuse(from, to);
  const movement = allowedTransitions[from][to] ?? null;
  if (request.payoutIds.length === 0) return { transitioned: [], skipped: [] };

  return inTransaction(db, async (tx) => {
    const now = new Date();
    const transitioned = await tx
      .update(payouts)
      .set({
        ...request.changes,
        status: to,
        updatedAt: now,
        ...(to === "processing" ? { attempt: sql`${payouts.attempt} + 1` } : {}),
        ...(to === "claimed" ? { claimedAt: now } : {}),
        ...(to === "paid" ? { paidAt: now } : {}),
        ...((to === "failed" || to === "returned") && request.reason
          ? { failureReason: request.reason }
          : {}),
        // The claim window starts when the link is issued, not when the payout was
        // created, so a campaign waiting for approval does not eat into it.
        ...(to === "claimable" && (from === "pending" || from === "awaiting_review")
          ? { expiresAt: sql`now() + (${payouts.expiresAt} - ${payouts.createdAt})` }
          : {}),
      })
      .where(
        and(
          tenantWhere(payouts, scope),
          matchesAny(payouts.id, request.payoutIds),
          eq(payouts.status, from),
        ),
      )
      .returning();

    if (movement) await postMovement(tx, scope, movement, transitioned);
    if (to === "canceled" || to === "expired") {
      await revokeClaimLinks(
        tx,
        transitioned.map((r) => r.id),
      );
    }
    await recordTransitions(tx, scope, transitioned, request);

    const moved = new Set(transitioned.map((r) => r.id));
    return { transitioned, skipped: request.payoutIds.filter((id) => !moved.has(id)) };
  });
}

/**
 * Applies one transition to one payout, or refuses: `not_found` when the payout is not
 * in this organisation and mode, `invalid_state_transition` when it is not in `from`
 * (including when a concurrent transition got there first).
 */
export async function transitionPayout(
  db: DbOrTx,
  scope: Scope,
  request: TransitionRequest & { payoutId: string },
): Promise<PayoutRow> {
  return inTransaction(db, async (tx) => {
    const { transitioned } = await transitionPayouts(tx, scope, {
      ...request,
      payoutIds: [request.payoutId],
    });
    const [row] = transitioned;
    if (row) return row;
    const [current] = await tx
      .select({ status: payouts.status })
      .from(payouts)
      .where(and(tenantWhere(payouts, scope), eq(payouts.id, request.payoutId)));
    if (!current) throw new AppError("not_found", `No such payout: ${request.payoutId}`);
    throw new AppError(
      "invalid_state_transition",
      `The payout is ${current.status}, not ${request.from}; it cannot become ${request.to}.`,
      { meta: { from: request.from, to: request.to, current: current.status } },
    );
  });
}
