import { type SQL, sql } from "drizzle-orm";
import { PgTransaction } from "drizzle-orm/pg-core";
import type { DbOrTx } from "@/db/client";
import type { Scope } from "@/db/scope";

/** Rows reported per check; one broken invariant should not flood the report. */
const SAMPLE = 20;

/** `alias.organisation_id = … and alias.mode = …`, or nothing to check every scope. */
type Only = (alias: string) => SQL;

type Check = {
  name: string;
  query: (only: Only) => SQL;
  describe: (row: Record<string, unknown>) => string;
};

export const ledgerChecks: Check[] = [
  {
    name: "accounts sum to zero",
    query: (only) => sql`
      select organisation_id, mode, currency, sum(balance)::text as balance,
             (sum(pending_debits) - sum(pending_credits))::text as pending
      from ledger_accounts where ${only("ledger_accounts")} group by 1, 2, 3
      having sum(balance) <> 0 or sum(pending_debits) <> sum(pending_credits)`,
    describe: (r) =>
      `${r.organisation_id}/${r.mode}/${r.currency}: account balances sum to ${r.balance}, pending debits exceed pending credits by ${r.pending}`,
  },
  {
    name: "each transaction balances",
    query: (only) => sql`
      select e.transaction_id, a.currency, sum(e.balance_delta)::text as balance,
             (sum(e.pending_debits_delta) - sum(e.pending_credits_delta))::text as pending
      from ledger_entries e join ledger_accounts a on a.id = e.account_id
      where ${only("a")}
      group by 1, 2
      having sum(e.balance_delta) <> 0 or sum(e.pending_debits_delta) <> sum(e.pending_credits_delta)`,
    describe: (r) =>
      `transaction ${r.transaction_id} (${r.currency}): postings sum to ${r.balance}, pending to ${r.pending}`,
  },
  {
    name: "counters equal their entries",
    query: (only) => sql`
      select a.id, a.balance::text, a.pending_debits::text, a.pending_credits::text, a.version::text,
             coalesce(s.balance, 0)::text as entry_balance,
             coalesce(s.pending_debits, 0)::text as entry_pending_debits,
             coalesce(s.pending_credits, 0)::text as entry_pending_credits,
             coalesce(s.entries, 0)::text as entries
      from ledger_accounts a
      left join (
        select account_id, sum(balance_delta) as balance, sum(pending_debits_delta) as pending_debits,
               sum(pending_credits_delta) as pending_credits, count(*) as entries, max(version) as last
        from ledger_entries group by account_id
      ) s on s.account_id = a.id
      where ${only("a")} and (a.balance <> coalesce(s.balance, 0) or a.pending_debits <> coalesce(s.pending_debits, 0)
         or a.pending_credits <> coalesce(s.pending_credits, 0)
         or a.version <> coalesce(s.entries, 0) or a.version <> coalesce(s.last, 0))`,
    describe: (r) =>
      `account ${r.id}: counters ${r.balance}/${r.pending_debits}/${r.pending_credits} (version ${r.version}) but entries sum to ${r.entry_balance}/${r.entry_pending_debits}/${r.entry_pending_credits} over ${r.entries} entries`,
  },
  {
    name: "entries chain their running totals",
    query: (only) => sql`
      select account_id, version::text from (
        select account_id, version, balance, pending_debits, pending_credits,
               balance_delta, pending_debits_delta, pending_credits_delta,
               lag(balance, 1, 0::bigint) over w as prev_balance,
               lag(pending_debits, 1, 0::bigint) over w as prev_pending_debits,
               lag(pending_credits, 1, 0::bigint) over w as prev_pending_credits
        from ledger_entries
        where account_id in (select id from ledger_accounts where ${only("ledger_accounts")})
        window w as (partition by account_id order by version)
      ) x
      where balance <> prev_balance + balance_delta
         or pending_debits <> prev_pending_debits + pending_debits_delta
         or pending_credits <> prev_pending_credits + pending_credits_delta`,
    describe: (r) =>
      `account ${r.account_id}: entry ${r.version} does not follow from the one before`,
  },
  {
    name: "entries match their transfers",
    query: (only) => sql`
      with effects as (
        select t.transaction_id, t.debit_account_id as account_id,
               case when t.phase in ('single', 'post') then -t.amount else 0 end as balance,
               case t.phase when 'pending' then t.amount when 'single' then 0 else -p.amount end
                 as pending_debits,
               0::bigint as pending_credits
        from ledger_transfers t
        left join ledger_transfers p on p.id = t.pending_id and p.phase = 'pending'
        where ${only("t")}
        union all
        select t.transaction_id, t.credit_account_id,
               case when t.phase in ('single', 'post') then t.amount else 0 end,
               0::bigint,
               case t.phase when 'pending' then t.amount when 'single' then 0 else -p.amount end
        from ledger_transfers t
        left join ledger_transfers p on p.id = t.pending_id and p.phase = 'pending'
        where ${only("t")}
      ), expected as (
        select transaction_id, account_id, sum(balance) as balance,
               sum(pending_debits) as pending_debits, sum(pending_credits) as pending_credits
        from effects group by 1, 2
      )
      select coalesce(x.transaction_id, e.transaction_id) as transaction_id,
             coalesce(x.account_id, e.account_id) as account_id
      from expected x
      full join (
        select e.* from ledger_entries e join ledger_accounts a on a.id = e.account_id where ${only("a")}
      ) e on e.transaction_id = x.transaction_id and e.account_id = x.account_id
      where coalesce(x.balance, 0) <> coalesce(e.balance_delta, 0)
         or coalesce(x.pending_debits, 0) <> coalesce(e.pending_debits_delta, 0)
         or coalesce(x.pending_credits, 0) <> coalesce(e.pending_credits_delta, 0)`,
    describe: (r) =>
      `transaction ${r.transaction_id}: the entry of account ${r.account_id} differs from its transfers`,
  },
  {
    name: "holds resolve within their amount",
    query: (only) => sql`
      select r.id, r.pending_id from ledger_transfers r
      left join ledger_transfers p on p.id = r.pending_id and p.phase = 'pending'
      where ${only("r")} and r.phase in ('post', 'void')
        and (p.id is null or p.debit_account_id <> r.debit_account_id
             or p.credit_account_id <> r.credit_account_id
             or (r.phase = 'post' and r.amount > p.amount)
             or (r.phase = 'void' and r.amount <> p.amount))`,
    describe: (r) => `transfer ${r.id} resolves hold ${r.pending_id} inconsistently`,
  },
  {
    name: "transfers reference their transaction and accounts, within one scope",
    query: (only) => sql`
      select t.id from ledger_transfers t
      left join ledger_transactions x on x.id = t.transaction_id
      left join ledger_accounts d on d.id = t.debit_account_id
      left join ledger_accounts c on c.id = t.credit_account_id
      where ${only("t")} and (x.id is null or d.id is null or c.id is null
         or x.organisation_id <> t.organisation_id or x.mode <> t.mode
         or d.organisation_id <> t.organisation_id or c.organisation_id <> t.organisation_id
         or d.mode <> t.mode or c.mode <> t.mode
         or d.currency <> t.currency or c.currency <> t.currency)`,
    describe: (r) =>
      `transfer ${r.id} references a missing transaction or account, or crosses organisations, modes or currencies`,
  },
  {
    name: "only external accounts are overdrawn",
    query: (only) => sql`
      select id, (balance - pending_debits)::text as spendable from ledger_accounts
      where ${only("ledger_accounts")} and kind <> 'external' and balance - pending_debits < 0`,
    describe: (r) => `account ${r.id} is overdrawn: spendable ${r.spendable}`,
  },
];

/** The check's filter: one organisation and mode, or (without a scope) all of them. */
export function onlyScope(scope?: Scope): Only {
  return (alias) =>
    scope
      ? sql`${sql.identifier(alias)}.organisation_id = ${scope.organisationId} and ${sql.identifier(alias)}.mode = ${scope.mode}`
      : sql`true`;
}

/**
 * Checks the ledger's invariants over every organisation, mode and currency (or, given a
 * scope, over that one's accounts and transfers only), in one read-only snapshot so
 * concurrent postings cannot make a consistent ledger look broken.
 */
export async function verifyLedger(
  db: DbOrTx,
  scope?: Scope,
): Promise<{ ok: boolean; problems: string[] }> {
  const only = onlyScope(scope);
  const run = async (tx: DbOrTx) => {
    const problems: string[] = [];
    for (const check of ledgerChecks) {
      const rows = await tx.execute<Record<string, unknown>>(
        sql`${check.query(only)} limit ${SAMPLE}`,
      );
      for (const row of rows) problems.push(`${check.name}: ${check.describe(row)}`);
    }
    return { ok: problems.length === 0, problems };
  };
  if (db instanceof PgTransaction) return run(db);
  return db.transaction(run, { isolationLevel: "repeatable read", accessMode: "read only" });
}
