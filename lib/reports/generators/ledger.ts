import { csvLine } from "../csv";
import { copyCsv, decimal, decimalSql, inSnapshot, setting } from "../snapshot";
import type { GeneratedReport, ReportContext } from "./types";

const timestamp = (column: string) =>
  `to_char(${column} at time zone 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US"Z"')`;

/**
 * Every transfer posted in the period (COPY, in posting order), and per account its
 * posted balance at the start and the end with the debits and credits between, which
 * reconcile by construction: opening + credits − debits = closing, and each currency's
 * accounts sum to zero at both ends (double entry). Balances are posted balances;
 * pending holds are in the transfers file with their phase.
 */
export async function ledgerReport(context: ReportContext<"ledger">): Promise<GeneratedReport> {
  const { parameters: p, scope } = context;
  const settings: Record<string, string> = {
    org: scope.organisationId,
    mode: scope.mode,
    from: p.from,
    to: p.to,
  };
  const scoped = (alias: string) =>
    `${alias}.organisation_id = ${setting("org")} and ${alias}.mode = ${setting("mode", "mode")}${
      p.currency ? ` and ${alias}.currency = ${setting("currency")}` : ""
    }`;
  if (p.currency) settings.currency = p.currency;
  const inPeriod = `t.created_at >= ${setting("from", "timestamptz")} and t.created_at < ${setting("to", "timestamptz")}`;

  return inSnapshot(context.client, settings, async (tx) => {
    const [count] = await tx.unsafe<{ n: string }[]>(
      `select count(*)::text as n from ledger_transfers t where ${scoped("t")} and ${inPeriod}`,
    );
    const total = Number(count?.n ?? 0);
    const transfers = context.file("ledger_transfers.csv");
    let done = 0;
    const rows = await copyCsv(
      tx,
      `select t.id as "transfer_id", t.transaction_id as "transaction_id", ${timestamp("t.created_at")} as "posted_at",
              t.phase as "phase", t.currency as "currency", ${decimalSql("t.amount", "t.currency")} as "amount",
              t.amount as "amount_minor", d.kind as "debit_account", c.kind as "credit_account",
              t.payout_id as "payout_id", coalesce(t.pending_id, case when t.phase = 'pending' then t.id end) as "hold_id",
              t.description as "description"
       from ledger_transfers t
       join ledger_accounts d on d.id = t.debit_account_id
       join ledger_accounts c on c.id = t.credit_account_id
       where ${scoped("t")} and ${inPeriod}
       order by t.seq`,
      transfers,
      {
        fields: 1,
        onFields: () => {
          done++;
        },
        onChunk: () => context.progress(total === 0 ? 0.9 : (done / total) * 0.9),
      },
    );
    const transfersFile = await transfers.close();

    const accounts = await tx.unsafe<
      {
        kind: string;
        currency: string;
        opening: string;
        debits: string;
        credits: string;
        closing: string;
      }[]
    >(
      `with moves as (
         select t.debit_account_id as account_id, -t.amount as delta, t.created_at
         from ledger_transfers t where ${scoped("t")} and t.phase in ('single', 'post')
         union all
         select t.credit_account_id, t.amount, t.created_at
         from ledger_transfers t where ${scoped("t")} and t.phase in ('single', 'post')
       )
       select a.kind::text as kind, a.currency,
         coalesce(sum(m.delta) filter (where m.created_at < ${setting("from", "timestamptz")}), 0)::text as opening,
         coalesce(sum(-m.delta) filter (where m.delta < 0 and m.created_at >= ${setting("from", "timestamptz")} and m.created_at < ${setting("to", "timestamptz")}), 0)::text as debits,
         coalesce(sum(m.delta) filter (where m.delta > 0 and m.created_at >= ${setting("from", "timestamptz")} and m.created_at < ${setting("to", "timestamptz")}), 0)::text as credits,
         coalesce(sum(m.delta) filter (where m.created_at < ${setting("to", "timestamptz")}), 0)::text as closing
       from ledger_accounts a left join moves m on m.account_id = a.id
       where ${scoped("a")}
       group by a.kind, a.currency order by a.currency, a.kind`,
    );
    const balances = context.file("ledger_balances.csv");
    await balances.write(
      csvLine([
        "account",
        "currency",
        "opening_balance",
        "debits",
        "credits",
        "closing_balance",
        "opening_minor",
        "debits_minor",
        "credits_minor",
        "closing_minor",
      ]),
    );
    const sums = new Map<string, { opening: bigint; closing: bigint }>();
    let reconciled = true;
    for (const a of accounts) {
      const [opening, debits, credits, closing] = [a.opening, a.debits, a.credits, a.closing].map(
        BigInt,
      ) as [bigint, bigint, bigint, bigint];
      if (opening + credits - debits !== closing) reconciled = false;
      const sum = sums.get(a.currency) ?? { opening: 0n, closing: 0n };
      sum.opening += opening;
      sum.closing += closing;
      sums.set(a.currency, sum);
      await balances.write(
        csvLine([
          a.kind,
          a.currency,
          decimal(opening, a.currency),
          decimal(debits, a.currency),
          decimal(credits, a.currency),
          decimal(closing, a.currency),
          opening,
          debits,
          credits,
          closing,
        ]),
      );
    }
    for (const sum of sums.values())
      if (sum.opening !== 0n || sum.closing !== 0n) reconciled = false;
    const balancesFile = await balances.close();
    return {
      files: [
        { name: "ledger_transfers.csv", rows, bytes: transfersFile.bytes },
        { name: "ledger_balances.csv", rows: accounts.length, bytes: balancesFile.bytes },
      ],
      rowCount: rows,
      summary: {
        transfers: rows,
        reconciled,
        balances: Object.fromEntries(
          [...new Set(accounts.map((a) => a.currency))].map((currency) => [
            currency,
            Object.fromEntries(
              accounts
                .filter((a) => a.currency === currency)
                .map((a) => [
                  a.kind,
                  { opening: a.opening, debits: a.debits, credits: a.credits, closing: a.closing },
                ]),
            ),
          ]),
        ),
      },
    };
  });
}
