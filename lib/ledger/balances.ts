import { sql } from "drizzle-orm";
import type { DbOrTx } from "@/db/client";
import type { Scope } from "@/db/scope";
import type { AccountKind } from "./types";

/**
 * One currency's money, by where it sits. Each account reports its spendable amount
 * (posted balance − pending debits): a held amount has left its source at once but has
 * not reached its destination, so it shows in `pending` instead, and
 * available + reserved + inTransit + paidOut + fees + pending is everything deposited.
 */
export type CurrencyBalance = {
  currency: string;
  available: bigint;
  reserved: bigint;
  inTransit: bigint;
  paidOut: bigint;
  fees: bigint;
  /** Held by pending holds out of these accounts, not yet posted or voided. */
  pending: bigint;
};

export type AccountBalance = {
  currency: string;
  kind: AccountKind;
  /** Posted credits − posted debits. */
  posted: bigint;
  pendingDebits: bigint;
  pendingCredits: bigint;
  /** posted − pendingDebits: what the account can still send. */
  spendable: bigint;
};

type CounterRow = {
  currency: string;
  kind: AccountKind;
  balance: string;
  pending_debits: string;
  pending_credits: string;
};

/**
 * Current counters by default; with `asOf`, each account's counters after its last entry
 * at or before that time (one index lookup per account, never a sum over history).
 */
function counters(
  db: DbOrTx,
  scope: Scope,
  filter: { asOf?: Date; currency?: string; kind?: AccountKind },
) {
  const only = sql.join(
    [
      sql`a.organisation_id = ${scope.organisationId} and a.mode = ${scope.mode}`,
      ...(filter.currency ? [sql`a.currency = ${filter.currency}`] : []),
      ...(filter.kind ? [sql`a.kind = ${filter.kind}`] : []),
    ],
    sql` and `,
  );
  if (!filter.asOf) {
    return db.execute<CounterRow>(sql`
      select a.currency, a.kind, a.balance, a.pending_debits, a.pending_credits
      from ledger_accounts a where ${only} order by a.currency, a.kind`);
  }
  return db.execute<CounterRow>(sql`
    select a.currency, a.kind, e.balance, e.pending_debits, e.pending_credits
    from ledger_accounts a
    cross join lateral (
      select balance, pending_debits, pending_credits from ledger_entries
      where account_id = a.id and created_at <= ${filter.asOf.toISOString()}
      order by created_at desc, version desc
      limit 1
    ) e
    where ${only}
    order by a.currency, a.kind`);
}

export async function getBalances(
  db: DbOrTx,
  scope: Scope,
  options: { asOf?: Date } = {},
): Promise<CurrencyBalance[]> {
  const rows = await counters(db, scope, options);
  const byCurrency = new Map<string, CurrencyBalance>();
  for (const row of rows) {
    const balance =
      byCurrency.get(row.currency) ??
      ({
        currency: row.currency,
        available: 0n,
        reserved: 0n,
        inTransit: 0n,
        paidOut: 0n,
        fees: 0n,
        pending: 0n,
      } satisfies CurrencyBalance);
    byCurrency.set(row.currency, balance);
    if (row.kind === "external") continue;
    const pendingDebits = BigInt(row.pending_debits);
    const spendable = BigInt(row.balance) - pendingDebits;
    balance.pending += pendingDebits;
    if (row.kind === "available") balance.available = spendable;
    else if (row.kind === "reserved") balance.reserved = spendable;
    else if (row.kind === "in_transit") balance.inTransit = spendable;
    else if (row.kind === "paid_out") balance.paidOut = spendable;
    else balance.fees = spendable;
  }
  return [...byCurrency.values()];
}

export async function getAccountBalance(
  db: DbOrTx,
  scope: Scope,
  account: { currency: string; kind: AccountKind; asOf?: Date },
): Promise<AccountBalance> {
  const [row] = await counters(db, scope, account);
  const posted = BigInt(row?.balance ?? 0);
  const pendingDebits = BigInt(row?.pending_debits ?? 0);
  return {
    currency: account.currency,
    kind: account.kind,
    posted,
    pendingDebits,
    pendingCredits: BigInt(row?.pending_credits ?? 0),
    spendable: posted - pendingDebits,
  };
}
