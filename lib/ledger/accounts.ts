import { sql } from "drizzle-orm";
import type { Tx } from "@/db/client";
import { newId } from "@/lib/ids";
import { type AccountKind, accountKinds, type LedgerScope } from "./types";

export type LockedAccount = {
  id: string;
  currency: string;
  kind: AccountKind;
  balance: bigint;
  pendingDebits: bigint;
  pendingCredits: bigint;
};

export type ExistingTransaction = { id: string; contentHash: string };

export function accountKey(currency: string, kind: AccountKind): string {
  return `${currency}:${kind}`;
}

type LockRow = {
  id: string | null;
  currency: string | null;
  kind: AccountKind | null;
  balance: string | null;
  pending_debits: string | null;
  pending_credits: string | null;
  existing_id: string | null;
  existing_hash: string | null;
};

/**
 * Locks the accounts a posting touches with `SELECT … FOR UPDATE`, creating a currency's
 * accounts on first use, and looks up the idempotency key in the same round trip.
 *
 * Every caller takes its locks in one order — currency, then kind — and waits on a new
 * currency's creation only while holding locks of earlier currencies, so two postings can
 * never wait on each other in a cycle.
 */
export async function lockAccounts(
  tx: Tx,
  scope: LedgerScope,
  wanted: Map<string, AccountKind[]>,
  idempotencyKey: string,
): Promise<{ accounts: Map<string, LockedAccount>; existing: ExistingTransaction | null }> {
  const accounts = new Map<string, LockedAccount>();
  let existing: ExistingTransaction | null = null;
  for (const currency of [...wanted.keys()].sort()) {
    const kinds = wanted.get(currency) ?? [];
    let rows = await selectForUpdate(tx, scope, currency, kinds, idempotencyKey);
    if (rows.filter((row) => row.id !== null).length < kinds.length) {
      await createCurrencyAccounts(tx, scope, currency);
      rows = await selectForUpdate(tx, scope, currency, kinds, idempotencyKey);
    }
    for (const row of rows) {
      if (row.existing_id && row.existing_hash) {
        existing = { id: row.existing_id, contentHash: row.existing_hash };
      }
      if (row.id === null || row.kind === null) continue;
      accounts.set(accountKey(currency, row.kind), {
        id: row.id,
        currency,
        kind: row.kind,
        balance: BigInt(row.balance ?? 0),
        pendingDebits: BigInt(row.pending_debits ?? 0),
        pendingCredits: BigInt(row.pending_credits ?? 0),
      });
    }
  }
  return { accounts, existing };
}

async function selectForUpdate(
  tx: Tx,
  scope: LedgerScope,
  currency: string,
  kinds: AccountKind[],
  idempotencyKey: string,
): Promise<LockRow[]> {
  // ORDER BY runs before the row locks are taken, so the locks follow the kind order.
  return tx.execute<LockRow>(sql`
    select l.id, l.currency, l.kind, l.balance, l.pending_debits, l.pending_credits,
           e.id as existing_id, e.content_hash as existing_hash
    from (select 1) as one
    left join ledger_transactions e
      on e.organisation_id = ${scope.organisationId} and e.mode = ${scope.mode}
     and e.idempotency_key = ${idempotencyKey}
    left join (
      select id, currency, kind, balance, pending_debits, pending_credits
      from ledger_accounts
      where organisation_id = ${scope.organisationId} and mode = ${scope.mode}
        and currency = ${currency} and kind = any(${`{${kinds.join(",")}}`}::ledger_account_kind[])
      order by kind
      for update
    ) l on true`);
}

/**
 * All six kinds at once, in lock order: a currency's accounts then either all exist or
 * none do, and a concurrent creator waits on the first row instead of interleaving.
 */
async function createCurrencyAccounts(tx: Tx, scope: LedgerScope, currency: string) {
  const rows = accountKinds.map((kind) => ({ id: newId("ledgerAccount"), kind }));
  await tx.execute(sql`
    insert into ledger_accounts (id, organisation_id, mode, currency, kind)
    select x.id, ${scope.organisationId}, ${scope.mode}, ${currency}, x.kind::ledger_account_kind
    from json_to_recordset(${JSON.stringify(rows)}::json) as x(id text, kind text)
    order by x.kind::ledger_account_kind
    on conflict (organisation_id, mode, currency, kind) do nothing`);
}
