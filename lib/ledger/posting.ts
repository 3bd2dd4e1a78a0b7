import { sql } from "drizzle-orm";
import postgres from "postgres";
import type { DbOrTx } from "@/db/client";
import type { Scope } from "@/db/scope";
import { AppError } from "@/lib/errors";
import { newId } from "@/lib/ids";
import { type Currency, formatMoney } from "@/lib/money";
import { createCurrencyAccounts } from "./accounts";
import { bigintArray, textArray } from "./pg-array";
import { sqlClient } from "./sql-client";
import { transferIdAt } from "./transfer-ids";
import { transfersOfTransaction } from "./transfers";
import type { AccountKind, PostResult, Transfer, TransferPhase } from "./types";

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
 * The whole posting is one call of the `ledger_post` function (migration 0017), so on
 * its own (autocommit) it is one round trip and one commit, and inside a caller's
 * transaction it is one round trip. It replays a used key, checks the accounts and the
 * funds without locks, claims the key, writes the transfers, and only then locks the
 * touched accounts in (currency, kind) order, checks again and updates them: an
 * organisation's account rows are held for the last writes and the commit, nothing else.
 */
const POSTING_SQL = `select * from ledger_post($1, $2::mode, $3, $4, $5::text, $6,
  $7::text[], $8::ledger_account_kind[], $9::bigint[], $10::bigint[], $11::bigint[],
  $12::text[], $13::text[], $14::ledger_account_kind[], $15::ledger_account_kind[],
  $16::bigint[], $17::ledger_transfer_phase[], $18::text[], $19::text[], $20::text[])`;

type PostingRow = {
  outcome: "posted" | "exists" | "missing" | "short";
  found_id: string | null;
  found_hash: string | null;
  created: string | null;
  short_kind: AccountKind | null;
  short_currency: string | null;
  short_spendable: string | null;
  short_required: string | null;
};

type Shortfall = { kind: string; currency: string; spendable: string; required: string };

/** What `ledger_post` raises when the funds went while it waited for the account locks. */
const SHORT_UNDER_LOCK = "LD001";
/** The CHECK that keeps every account within 2^53 - 1 (db/schema/ledger.ts). */
const JSON_SAFE_RANGE = "ledger_accounts_within_json_safe_range";

function beyondLedgerLimit(currencies: string[]): AppError {
  return new AppError(
    "validation_failed",
    `This would take a ${currencies.join(" or ")} account of the ledger past ${Number.MAX_SAFE_INTEGER.toLocaleString("en")} minor units, the most one account holds (the largest whole number every JSON client reads exactly).`,
  );
}

function insufficientFunds(short: Shortfall): AppError {
  const amountOf = (minor: string) =>
    formatMoney({ amount: BigInt(minor), currency: short.currency as Currency });
  return new AppError(
    "insufficient_funds",
    `Insufficient funds: ${amountOf(short.required)} is required but the ${short.currency} ${short.kind} balance is ${amountOf(short.spendable)}.`,
    {
      meta: {
        currency: short.currency,
        account: short.kind,
        available: short.spendable,
        required: short.required,
      },
    },
  );
}

/**
 * Writes one ledger transaction: its transfers, one entry per touched account and the
 * account counters, all or nothing. A key that already posted replays its first result.
 * Given a transaction it runs inside it; given the pool, the statement is atomic alone.
 */
export async function commitPosting(
  db: DbOrTx,
  scope: Scope,
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

  const post = async () => {
    try {
      const [row] = await client.unsafe<PostingRow[]>(POSTING_SQL, params, { prepare: true });
      if (!row) throw new AppError("internal_error", "The ledger posting returned nothing");
      return row;
    } catch (error) {
      if (error instanceof postgres.PostgresError && error.code === SHORT_UNDER_LOCK) {
        throw insufficientFunds(JSON.parse(error.detail ?? "{}") as Shortfall);
      }
      if (error instanceof postgres.PostgresError && error.constraint_name === JSON_SAFE_RANGE) {
        throw beyondLedgerLimit([...new Set(deltas.map((d) => d.currency))]);
      }
      throw error;
    }
  };

  let row = await post();
  if (row.outcome === "missing") {
    // First use of a currency: create its accounts, then post. Currencies go in sorted
    // order, the same order the locks follow.
    for (const currency of [...new Set(deltas.map((d) => d.currency))].sort()) {
      await createCurrencyAccounts(client, scope, currency);
    }
    row = await post();
  }

  if (row.outcome === "exists" && row.found_id && row.found_hash) {
    return replay(
      db,
      scope,
      { id: row.found_id, contentHash: row.found_hash },
      request.contentHash,
    );
  }
  if (row.outcome === "short" && row.short_kind && row.short_currency) {
    // A concurrent caller with the same key may have committed between the key check and
    // the funds check; its result wins over an error computed from the balance it left.
    const committed = await findTransaction(db, scope, request.idempotencyKey);
    if (committed) return replay(db, scope, committed, request.contentHash);
    throw insufficientFunds({
      kind: row.short_kind,
      currency: row.short_currency,
      spendable: row.short_spendable ?? "0",
      required: row.short_required ?? "0",
    });
  }
  if (row.outcome !== "posted" || !row.created) {
    throw new AppError("internal_error", `The ledger posting ended as ${row.outcome}`);
  }

  const createdAt = new Date(row.created);
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
  scope: Scope,
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
  scope: Scope,
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
