import { sql } from "drizzle-orm";
import type { DbOrTx } from "@/db/client";
import { AppError } from "@/lib/errors";
import { newId } from "@/lib/ids";
import { createCurrencyAccounts } from "./accounts";
import { bigintArray, textArray } from "./pg-array";
import { sqlClient } from "./sql-client";
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

type ExistingTransaction = { id: string; contentHash: string };

type Delta = {
  currency: string;
  kind: AccountKind;
  balance: bigint;
  pendingDebits: bigint;
  pendingCredits: bigint;
};

/**
 * The whole posting in one statement, so that on its own (autocommit) it is one round
 * trip and one commit, and inside a caller's transaction it is one round trip:
 *
 *  - `locked` takes a row lock on each touched account once, however many transfers
 *    touch it, in (currency, kind) order — the one order every posting uses, so two
 *    postings never wait on each other in a cycle. A lock wait returns the row as the
 *    other posting left it.
 *  - `shortfall` checks the netted change: only `external` may end below zero, where
 *    "below zero" is posted balance − pending debits (money on hold is not spendable).
 *    The CHECK constraint on ledger_accounts backs this up.
 *  - Nothing is written unless every account exists, the idempotency key is unused and
 *    no account falls short; the key's unique index makes a concurrent twin wait for
 *    this one and then write nothing (`on conflict do nothing`).
 */
const POSTING_SQL = `
with locked as (
  select a.id, a.currency, a.kind, a.balance, a.pending_debits
  from ledger_accounts a
  where a.organisation_id = $1 and a.mode = $2::mode
    and (a.currency, a.kind) in (select * from unnest($7::text[], $8::ledger_account_kind[]))
  order by a.currency, a.kind
  for update
), existing as (
  select id, content_hash from ledger_transactions
  where organisation_id = $1 and mode = $2::mode and idempotency_key = $3
), deltas as (
  select l.id, l.currency, l.kind, l.balance, l.pending_debits,
         d.balance as d_balance, d.pending_debits as d_pending_debits,
         d.pending_credits as d_pending_credits
  from unnest($7::text[], $8::ledger_account_kind[], $9::bigint[], $10::bigint[], $11::bigint[])
    as d(currency, kind, balance, pending_debits, pending_credits)
  join locked l on l.currency = d.currency and l.kind = d.kind
), shortfall as (
  select kind, currency, balance - pending_debits as spendable,
         d_pending_debits - d_balance as required
  from deltas
  where kind <> 'external' and d_balance - d_pending_debits < 0
    and balance + d_balance - pending_debits - d_pending_debits < 0
  limit 1
), claim as (
  insert into ledger_transactions (id, organisation_id, mode, idempotency_key, content_hash, description)
  select $6, $1, $2::mode, $3, $4, $5::text
  where (select count(*) from locked) = cardinality($7::text[])
    and not exists (select 1 from existing)
    and not exists (select 1 from shortfall)
  on conflict (organisation_id, mode, idempotency_key) do nothing
  returning id, created_at
), moved as (
  insert into ledger_transfers (id, transaction_id, organisation_id, mode, currency,
    debit_account_id, credit_account_id, amount, phase, pending_id, payout_id, description, created_at)
  select t.id, claim.id, $1, $2::mode, t.currency, debit.id, credit.id, t.amount, t.phase,
         t.pending_id, t.payout_id, t.description, claim.created_at
  from claim
  cross join unnest($12::text[], $13::text[], $14::ledger_account_kind[], $15::ledger_account_kind[],
                    $16::bigint[], $17::ledger_transfer_phase[], $18::text[], $19::text[], $20::text[])
    with ordinality as t(id, currency, from_kind, to_kind, amount, phase, pending_id, payout_id, description, position)
  join locked debit on debit.currency = t.currency and debit.kind = t.from_kind
  join locked credit on credit.currency = t.currency and credit.kind = t.to_kind
  order by t.position
), changed as (
  update ledger_accounts a
  set balance = a.balance + x.d_balance,
      pending_debits = a.pending_debits + x.d_pending_debits,
      pending_credits = a.pending_credits + x.d_pending_credits,
      version = a.version + 1
  from claim, deltas x
  where a.id = x.id and (x.d_balance <> 0 or x.d_pending_debits <> 0 or x.d_pending_credits <> 0)
  returning a.id, a.version, claim.id as transaction_id, x.d_balance, x.d_pending_debits,
            x.d_pending_credits, a.balance, a.pending_debits, a.pending_credits
), entered as (
  insert into ledger_entries (account_id, version, transaction_id, balance_delta,
    pending_debits_delta, pending_credits_delta, balance, pending_debits, pending_credits)
  select id, version, transaction_id, d_balance, d_pending_debits, d_pending_credits,
         balance, pending_debits, pending_credits
  from changed
)
select (select id from claim) as claimed_id,
       (select created_at from claim) as created_at,
       (select count(*) from locked)::int as locked,
       (select id from existing) as existing_id,
       (select content_hash from existing) as existing_hash,
       s.kind as short_kind, s.currency as short_currency,
       s.spendable::text as short_spendable, s.required::text as short_required
from (select 1) as one left join shortfall s on true`;

type PostingRow = {
  claimed_id: string | null;
  created_at: string | null;
  locked: number;
  existing_id: string | null;
  existing_hash: string | null;
  short_kind: AccountKind | null;
  short_currency: string | null;
  short_spendable: string | null;
  short_required: string | null;
};

/**
 * Writes one ledger transaction: its transfers, one entry per touched account and the
 * account counters, all or nothing. A key that already posted replays its first result.
 * Given a transaction it runs inside it; given the pool, the statement is atomic alone.
 */
export async function commitPosting(
  db: DbOrTx,
  scope: LedgerScope,
  request: PostingRequest,
): Promise<PostResult> {
  const client = sqlClient(db);
  const deltas = netDeltas(request.transfers);
  const transactionId = newId("ledgerTransaction");
  const transfers = request.transfers.map((t, i) => ({ ...t, id: transferIdAt(transactionId, i) }));
  const column = (pick: (t: (typeof transfers)[number]) => string | null) =>
    textArray(transfers.map(pick));
  const params = [
    scope.organisationId,
    scope.mode,
    request.idempotencyKey,
    request.contentHash,
    request.description,
    transactionId,
    textArray(deltas.map((d) => d.currency)),
    textArray(deltas.map((d) => d.kind)),
    bigintArray(deltas.map((d) => d.balance)),
    bigintArray(deltas.map((d) => d.pendingDebits)),
    bigintArray(deltas.map((d) => d.pendingCredits)),
    column((t) => t.id),
    column((t) => t.currency),
    column((t) => t.from),
    column((t) => t.to),
    bigintArray(transfers.map((t) => t.amount)),
    column((t) => t.phase),
    column((t) => t.pendingId),
    column((t) => t.payoutId),
    column((t) => t.description),
  ];

  let [row] = await client.unsafe<PostingRow[]>(POSTING_SQL, params, { prepare: true });
  if (row && row.locked < deltas.length && !row.existing_id) {
    // First use of a currency: create its accounts, then post. Currencies go in sorted
    // order, the same order the locks follow.
    for (const currency of [...new Set(deltas.map((d) => d.currency))].sort()) {
      await createCurrencyAccounts(client, scope, currency);
    }
    [row] = await client.unsafe<PostingRow[]>(POSTING_SQL, params, { prepare: true });
  }
  if (!row) throw new AppError("internal_error", "The ledger posting returned nothing");

  if (row.existing_id && row.existing_hash) {
    return replay(
      db,
      scope,
      { id: row.existing_id, contentHash: row.existing_hash },
      request.contentHash,
    );
  }
  if (row.short_kind && row.short_currency) {
    // A concurrent caller with the same key may have committed while we waited for the
    // locks; its result wins over an error computed from the balance it left behind.
    const committed = await findTransaction(db, scope, request.idempotencyKey);
    if (committed) return replay(db, scope, committed, request.contentHash);
    throw new AppError(
      "insufficient_funds",
      `Insufficient funds: the ${row.short_currency} ${row.short_kind} balance is ${row.short_spendable}, ${row.short_required} is required`,
      {
        meta: {
          currency: row.short_currency,
          account: row.short_kind,
          available: row.short_spendable,
          required: row.short_required,
        },
      },
    );
  }
  if (!row.claimed_id || !row.created_at) {
    // The key's unique index made us wait for a concurrent twin that committed.
    const committed = await findTransaction(db, scope, request.idempotencyKey);
    if (!committed) throw new AppError("internal_error", "A ledger idempotency key vanished");
    return replay(db, scope, committed, request.contentHash);
  }

  const createdAt = new Date(row.created_at);
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

/** TigerBeetle's effects of each transfer phase, netted per (currency, kind). */
function netDeltas(transfers: PlannedTransfer[]): Delta[] {
  const deltas = new Map<string, Delta>();
  const delta = (currency: string, kind: AccountKind) => {
    const key = `${currency}:${kind}`;
    let d = deltas.get(key);
    if (!d) {
      d = { currency, kind, balance: 0n, pendingDebits: 0n, pendingCredits: 0n };
      deltas.set(key, d);
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
  return [...deltas.values()];
}

export async function findTransaction(
  db: DbOrTx,
  scope: LedgerScope,
  idempotencyKey: string,
): Promise<ExistingTransaction | null> {
  const [row] = await db.execute<{ id: string; content_hash: string }>(sql`
    select id, content_hash from ledger_transactions
    where organisation_id = ${scope.organisationId} and mode = ${scope.mode}
      and idempotency_key = ${idempotencyKey}`);
  return row ? { id: row.id, contentHash: row.content_hash } : null;
}

export async function replay(
  db: DbOrTx,
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
  const transfers = await transfersOfTransaction(db, scope, existing.id);
  return { transactionId: existing.id, transfers, replayed: true };
}
