import { sql } from "drizzle-orm";
import type { Tx } from "@/db/client";
import { AppError } from "@/lib/errors";
import { newId } from "@/lib/ids";
import { accountKey, type ExistingTransaction, type LockedAccount, lockAccounts } from "./accounts";
import { bigintArray, textArray } from "./pg-array";
import { transferIdAt } from "./transfer-ids";
import { transfersOfTransaction } from "./transfers";
import type { AccountKind, LedgerScope, PostResult, Transfer, TransferPhase } from "./types";

export type PlannedTransfer = {
  currency: string;
  from: AccountKind;
  to: AccountKind;
  amount: bigint;
  phase: TransferPhase;
  /** For `post` and `void`: the pending transfer (hold) resolved. */
  pendingId: string | null;
  payoutId: string | null;
  description: string | null;
  /** For `post` and `void`: the hold's whole pending amount, which stops being pending. */
  released?: bigint;
};

export type PostingRequest = {
  idempotencyKey: string;
  contentHash: string;
  description: string | null;
  transfers: PlannedTransfer[];
};

type Delta = { balance: bigint; pendingDebits: bigint; pendingCredits: bigint };

/**
 * Writes one ledger transaction: locks each touched account once (however many
 * transfers it has), checks funds against the netted change, and inserts the transaction,
 * its transfers and one entry per account while bumping the counters — all in a single
 * statement. A key that already posted replays its first result.
 */
export async function commitPosting(
  tx: Tx,
  scope: LedgerScope,
  request: PostingRequest,
): Promise<PostResult> {
  const wanted = new Map<string, AccountKind[]>();
  for (const t of request.transfers) {
    const kinds = wanted.get(t.currency) ?? [];
    for (const kind of [t.from, t.to]) if (!kinds.includes(kind)) kinds.push(kind);
    wanted.set(t.currency, kinds);
  }
  const { accounts, existing } = await lockAccounts(tx, scope, wanted, request.idempotencyKey);
  if (existing) return replay(tx, scope, existing, request.contentHash);

  const deltas = netDeltas(request.transfers, accounts);
  const shortfall = findShortfall(deltas, accounts);
  if (shortfall) {
    // A concurrent caller with the same key may have committed while we waited for the
    // locks; its result wins over an error computed from the balance it left behind.
    const committed = await findTransaction(tx, scope, request.idempotencyKey);
    if (committed) return replay(tx, scope, committed, request.contentHash);
    throw shortfall;
  }

  const transactionId = newId("ledgerTransaction");
  const transfers = request.transfers.map((t, i) => ({ ...t, id: transferIdAt(transactionId, i) }));
  const changes = [...deltas].filter(
    ([, d]) => d.balance !== 0n || d.pendingDebits !== 0n || d.pendingCredits !== 0n,
  );
  const column = (pick: (t: PlannedTransfer & { id: string }) => string | null) =>
    textArray(transfers.map(pick));

  const [claimed] = await tx.execute<{ id: string; created_at: string }>(sql`
    with claim as (
      insert into ledger_transactions (id, organisation_id, mode, idempotency_key, content_hash, description)
      values (${transactionId}, ${scope.organisationId}, ${scope.mode}, ${request.idempotencyKey},
              ${request.contentHash}, ${request.description})
      on conflict (organisation_id, mode, idempotency_key) do nothing
      returning id, created_at
    ), moved as (
      insert into ledger_transfers (id, transaction_id, organisation_id, mode, currency,
        debit_account_id, credit_account_id, amount, phase, pending_id, payout_id, description, created_at)
      select t.id, claim.id, ${scope.organisationId}, ${scope.mode}, t.currency, t.debit, t.credit,
             t.amount, t.phase, t.pending, t.payout, t.description, claim.created_at
      from claim
      cross join unnest(
        ${column((t) => t.id)}::text[],
        ${column((t) => t.currency)}::text[],
        ${column((t) => account(accounts, t.currency, t.from).id)}::text[],
        ${column((t) => account(accounts, t.currency, t.to).id)}::text[],
        ${bigintArray(transfers.map((t) => t.amount))}::bigint[],
        ${column((t) => t.phase)}::ledger_transfer_phase[],
        ${column((t) => t.pendingId)}::text[],
        ${column((t) => t.payoutId)}::text[],
        ${column((t) => t.description)}::text[]
      ) as t(id, currency, debit, credit, amount, phase, pending, payout, description)
    ), changed as (
      update ledger_accounts a
      set balance = a.balance + d.balance,
          pending_debits = a.pending_debits + d.pending_debits,
          pending_credits = a.pending_credits + d.pending_credits,
          version = a.version + 1
      from claim
      cross join unnest(
        ${textArray(changes.map(([id]) => id))}::text[],
        ${bigintArray(changes.map(([, d]) => d.balance))}::bigint[],
        ${bigintArray(changes.map(([, d]) => d.pendingDebits))}::bigint[],
        ${bigintArray(changes.map(([, d]) => d.pendingCredits))}::bigint[]
      ) as d(account, balance, pending_debits, pending_credits)
      where a.id = d.account
        and a.organisation_id = ${scope.organisationId} and a.mode = ${scope.mode}
      returning a.id, a.version, claim.id as transaction_id, d.balance as balance_delta,
        d.pending_debits as pending_debits_delta, d.pending_credits as pending_credits_delta,
        a.balance, a.pending_debits, a.pending_credits
    ), entered as (
      insert into ledger_entries (account_id, version, transaction_id, balance_delta,
        pending_debits_delta, pending_credits_delta, balance, pending_debits, pending_credits)
      select id, version, transaction_id, balance_delta, pending_debits_delta,
             pending_credits_delta, balance, pending_debits, pending_credits
      from changed
    )
    select id, created_at from claim`);

  if (!claimed) {
    // The unique index on the key made us wait for a concurrent caller that committed.
    const committed = await findTransaction(tx, scope, request.idempotencyKey);
    if (!committed) throw new AppError("internal_error", "Ledger idempotency key vanished");
    return replay(tx, scope, committed, request.contentHash);
  }
  const createdAt = new Date(claimed.created_at);
  const written: Transfer[] = transfers.map((t) => ({
    id: t.id,
    transactionId,
    currency: t.currency,
    from: t.from,
    to: t.to,
    amount: t.amount,
    phase: t.phase,
    holdId: t.phase === "pending" ? t.id : t.pendingId,
    payoutId: t.payoutId,
    description: t.description,
    createdAt,
  }));
  return { transactionId, transfers: written, replayed: false };
}

function account(
  accounts: Map<string, LockedAccount>,
  currency: string,
  kind: AccountKind,
): LockedAccount {
  const found = accounts.get(accountKey(currency, kind));
  if (!found) throw new AppError("internal_error", `Ledger account ${currency}:${kind} missing`);
  return found;
}

/** TigerBeetle's effects of each transfer phase on the debit and credit account. */
function netDeltas(
  transfers: PlannedTransfer[],
  accounts: Map<string, LockedAccount>,
): Map<string, Delta> {
  const deltas = new Map<string, Delta>();
  const delta = (currency: string, kind: AccountKind) => {
    const { id } = account(accounts, currency, kind);
    let d = deltas.get(id);
    if (!d) {
      d = { balance: 0n, pendingDebits: 0n, pendingCredits: 0n };
      deltas.set(id, d);
    }
    return d;
  };
  for (const t of transfers) {
    const debit = delta(t.currency, t.from);
    const credit = delta(t.currency, t.to);
    const released = t.released ?? 0n;
    switch (t.phase) {
      case "single":
        debit.balance -= t.amount;
        credit.balance += t.amount;
        break;
      case "pending":
        debit.pendingDebits += t.amount;
        credit.pendingCredits += t.amount;
        break;
      case "post":
        debit.balance -= t.amount;
        credit.balance += t.amount;
        debit.pendingDebits -= released;
        credit.pendingCredits -= released;
        break;
      case "void":
        debit.pendingDebits -= released;
        credit.pendingCredits -= released;
        break;
    }
  }
  return deltas;
}

/** Spendable = posted balance − pending debits; only `external` may go below zero. */
function findShortfall(
  deltas: Map<string, Delta>,
  accounts: Map<string, LockedAccount>,
): AppError | null {
  for (const a of accounts.values()) {
    const d = deltas.get(a.id);
    if (!d || a.kind === "external") continue;
    const spendable = a.balance - a.pendingDebits;
    const change = d.balance - d.pendingDebits;
    if (change < 0n && spendable + change < 0n) {
      return new AppError(
        "insufficient_funds",
        `Insufficient funds: the ${a.currency} ${a.kind} balance is ${spendable}, ${-change} is required`,
        {
          meta: {
            currency: a.currency,
            account: a.kind,
            available: spendable.toString(),
            required: (-change).toString(),
          },
        },
      );
    }
  }
  return null;
}

export async function findTransaction(
  tx: Tx,
  scope: LedgerScope,
  idempotencyKey: string,
): Promise<ExistingTransaction | null> {
  const [row] = await tx.execute<{ id: string; content_hash: string }>(sql`
    select id, content_hash from ledger_transactions
    where organisation_id = ${scope.organisationId} and mode = ${scope.mode}
      and idempotency_key = ${idempotencyKey}`);
  return row ? { id: row.id, contentHash: row.content_hash } : null;
}

export async function replay(
  tx: Tx,
  scope: LedgerScope,
  existing: ExistingTransaction,
  contentHash: string,
): Promise<PostResult> {
  if (existing.contentHash !== contentHash) {
    throw new AppError(
      "idempotency_key_reused",
      "This idempotency key was already used for a different ledger request",
    );
  }
  const transfers = await transfersOfTransaction(tx, scope, existing.id);
  return { transactionId: existing.id, transfers, replayed: true };
}
