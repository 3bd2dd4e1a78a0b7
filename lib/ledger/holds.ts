import { sql } from "drizzle-orm";
import type { DbOrTx, Tx } from "@/db/client";
import type { Scope } from "@/db/scope";
import { inTransaction } from "@/db/transaction";
import { AppError } from "@/lib/errors";
import { contentHash } from "./content-hash";
import {
  amountProblem,
  assertDescription,
  assertIdempotencyKey,
  assertMovements,
  invalid,
} from "./input";
import { commitPosting, replay } from "./posting";
import type { AccountKind, Hold, HoldInput, HoldState, PostResult, Transfer } from "./types";

export type HoldsResult = PostResult & { holds: Hold[] };
export type HoldResult = PostResult & { hold: Hold };

function holdOf(transfer: Transfer): Hold {
  return {
    id: transfer.id,
    currency: transfer.currency,
    from: transfer.from,
    to: transfer.to,
    amount: transfer.amount,
    payoutId: transfer.payoutId,
    createdAt: transfer.createdAt,
  };
}

/**
 * Opens many holds in one ledger transaction (TigerBeetle's pending transfers): each
 * takes its amount out of `from`'s spendable balance at once and credits nothing until
 * it is posted. The hot `from` account is locked and updated once for the whole batch.
 */
export async function createHolds(
  db: DbOrTx,
  scope: Scope,
  input: { idempotencyKey: string; description?: string; holds: HoldInput[] },
): Promise<HoldsResult> {
  assertIdempotencyKey(input.idempotencyKey);
  assertDescription(input.description);
  assertMovements(input.holds, "holds");
  const content = {
    description: input.description ?? null,
    holds: input.holds.map((h) => [
      h.from,
      h.to,
      h.amount.toString(),
      h.currency,
      h.payoutId ?? null,
      h.description ?? null,
    ]),
  };
  const transfers = input.holds.map((h) => ({
    currency: h.currency,
    from: h.from,
    to: h.to,
    amount: h.amount,
    phase: "pending" as const,
    pendingId: null,
    payoutId: h.payoutId ?? null,
    description: h.description ?? null,
  }));
  const result = await commitPosting(db, scope, {
    idempotencyKey: input.idempotencyKey,
    contentHash: contentHash("create_holds", content),
    description: input.description ?? null,
    transfers,
  });
  return { ...result, holds: result.transfers.map(holdOf) };
}

export async function createHold(
  db: DbOrTx,
  scope: Scope,
  input: HoldInput & { idempotencyKey: string },
): Promise<HoldResult> {
  const { idempotencyKey, ...hold } = input;
  const result = await createHolds(db, scope, { idempotencyKey, holds: [hold] });
  const [created] = result.holds;
  if (!created) throw new AppError("internal_error", "A created hold is missing");
  return {
    transactionId: result.transactionId,
    transfers: result.transfers,
    replayed: result.replayed,
    hold: created,
  };
}

/**
 * Moves `amount` (default: all) of a pending hold to its `to` account and releases the
 * rest back to `from`. A hold resolves at most once.
 */
export async function postHold(
  db: DbOrTx,
  scope: Scope,
  input: { holdId: string; amount?: bigint; idempotencyKey: string },
): Promise<PostResult> {
  assertIdempotencyKey(input.idempotencyKey);
  if (input.amount !== undefined) {
    const problem = amountProblem(input.amount);
    if (problem) throw invalid([{ path: "amount", message: problem }]);
  }
  return resolveHold(db, scope, { ...input, phase: "post" });
}

/** Releases a pending hold entirely back to its `from` account. */
export async function voidHold(
  db: DbOrTx,
  scope: Scope,
  input: { holdId: string; idempotencyKey: string },
): Promise<PostResult> {
  assertIdempotencyKey(input.idempotencyKey);
  return resolveHold(db, scope, { ...input, phase: "void" });
}

type PendingRow = {
  currency: string;
  amount: string;
  payout_id: string | null;
  description: string | null;
  created_at: string;
  from_kind: AccountKind;
  to_kind: AccountKind;
  resolved_phase: "post" | "void" | null;
  posted_amount: string | null;
};

function pendingHoldQuery(scope: Scope, holdId: string) {
  return sql`
    select p.currency, p.amount, p.payout_id, p.description, p.created_at,
           d.kind as from_kind, c.kind as to_kind, r.phase as resolved_phase,
           case when r.phase = 'post' then r.amount else 0 end as posted_amount
    from ledger_transfers p
    join ledger_accounts d on d.id = p.debit_account_id
    join ledger_accounts c on c.id = p.credit_account_id
    left join ledger_transfers r on r.pending_id = p.id
    where p.id = ${holdId} and p.phase = 'pending'
      and p.organisation_id = ${scope.organisationId} and p.mode = ${scope.mode}`;
}

async function resolveHold(
  db: DbOrTx,
  scope: Scope,
  input: { holdId: string; amount?: bigint; idempotencyKey: string; phase: "post" | "void" },
): Promise<PostResult> {
  return inTransaction(db, async (tx) => {
    const hold = await lockPendingHold(tx, scope, input.holdId);
    const amount = input.phase === "void" ? hold.amount : (input.amount ?? hold.amount);
    const hash = contentHash(`${input.phase}_hold`, [input.holdId, amount.toString()]);

    // Read after the hold's lock is ours, so an earlier resolution is committed and seen.
    const [state] = await tx.execute<
      PendingRow & { existing_id: string | null; existing_hash: string | null }
    >(sql`
      select s.*, e.id as existing_id, e.content_hash as existing_hash
      from (${pendingHoldQuery(scope, input.holdId)}) s
      left join ledger_transactions e
        on e.organisation_id = ${scope.organisationId} and e.mode = ${scope.mode}
       and e.idempotency_key = ${input.idempotencyKey}`);
    if (state?.existing_id && state.existing_hash) {
      return replay(tx, scope, { id: state.existing_id, contentHash: state.existing_hash }, hash);
    }
    if (state?.resolved_phase) {
      throw new AppError(
        "invalid_state_transition",
        `Hold ${input.holdId} is already ${state.resolved_phase === "post" ? "posted" : "voided"}`,
        {
          meta: {
            holdId: input.holdId,
            status: state.resolved_phase === "post" ? "posted" : "voided",
          },
        },
      );
    }
    if (amount > hold.amount) {
      throw invalid([{ path: "amount", message: `at most the held ${hold.amount}` }]);
    }
    return commitPosting(tx, scope, {
      idempotencyKey: input.idempotencyKey,
      contentHash: hash,
      description: null,
      transfers: [
        {
          currency: hold.currency,
          from: hold.from,
          to: hold.to,
          amount,
          phase: input.phase,
          pendingId: input.holdId,
          payoutId: hold.payoutId,
          description: hold.description,
          released: hold.amount,
        },
      ],
    });
  });
}

/**
 * Locks the hold's pending transfer row (FOR NO KEY UPDATE: a lock, not a change), so
 * concurrent posts and voids of one hold queue up and each sees the previous outcome.
 */
async function lockPendingHold(
  tx: Tx,
  scope: Scope,
  holdId: string,
): Promise<Omit<Hold, "createdAt"> & { description: string | null }> {
  const [row] = await tx.execute<PendingRow>(sql`
    select p.currency, p.amount, p.payout_id, p.description,
           d.kind as from_kind, c.kind as to_kind
    from ledger_transfers p
    join ledger_accounts d on d.id = p.debit_account_id
    join ledger_accounts c on c.id = p.credit_account_id
    where p.id = ${holdId} and p.phase = 'pending'
      and p.organisation_id = ${scope.organisationId} and p.mode = ${scope.mode}
    for no key update of p`);
  if (!row) throw new AppError("not_found", `No hold ${holdId}`);
  return {
    id: holdId,
    currency: row.currency,
    from: row.from_kind,
    to: row.to_kind,
    amount: BigInt(row.amount),
    payoutId: row.payout_id,
    description: row.description,
  };
}

export async function getHold(db: DbOrTx, scope: Scope, holdId: string): Promise<HoldState | null> {
  const [row] = await db.execute<PendingRow>(pendingHoldQuery(scope, holdId));
  if (!row) return null;
  return {
    id: holdId,
    currency: row.currency,
    from: row.from_kind,
    to: row.to_kind,
    amount: BigInt(row.amount),
    payoutId: row.payout_id,
    createdAt: new Date(row.created_at),
    status:
      row.resolved_phase === "post"
        ? "posted"
        : row.resolved_phase === "void"
          ? "voided"
          : "pending",
    postedAmount: BigInt(row.posted_amount ?? 0),
  };
}
