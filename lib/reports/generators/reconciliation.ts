import { PgDialect } from "drizzle-orm/pg-core";
import { ledgerChecks, onlyScope } from "@/lib/ledger/verify";
import { accountHolding } from "@/lib/payouts/machine";
import { type Cell, csvLine } from "../csv";
import { type ReconciliationLine, reconciliationSources } from "../reconciliation-sources";
import { inSnapshot, setting } from "../snapshot";
import type { GeneratedReport, ReportContext } from "./types";

const header = [
  "source",
  "check",
  "status",
  "subject",
  "currency",
  "expected_minor",
  "actual_minor",
  "detail",
];
const SAMPLE = 1000;

/**
 * The organisation's books checked from inside: the ledger's invariants (verifyLedger's
 * checks, for this scope), where the payouts' money should sit by their statuses against
 * where the ledger has it, per account and currency, and each payout whose own transfers
 * disagree with its status. Provider sources, once registered, add their exceptions.
 */
export async function reconciliationReport(
  context: ReportContext<"reconciliation">,
): Promise<GeneratedReport> {
  const { scope, parameters } = context;
  const file = context.file("reconciliation.csv");
  await file.write(csvLine(header));
  let rows = 0;
  let exceptions = 0;
  const write = async (line: ReconciliationLine) => {
    rows++;
    if (line.status === "exception") exceptions++;
    const cells: Cell[] = [
      line.source,
      line.check,
      line.status,
      line.subject,
      line.currency,
      line.expected,
      line.actual,
      line.detail,
    ];
    await file.write(csvLine(cells));
  };
  const dialect = new PgDialect();
  const only = onlyScope(scope);

  await inSnapshot(context.client, { org: scope.organisationId, mode: scope.mode }, async (tx) => {
    for (const [i, check] of ledgerChecks.entries()) {
      const query = dialect.sqlToQuery(check.query(only));
      const found = await tx.unsafe<Record<string, unknown>[]>(
        `${query.sql} limit ${SAMPLE}`,
        query.params as never[],
      );
      if (found.length === 0) {
        await write({
          source: "ledger",
          check: check.name,
          status: "ok",
          subject: null,
          currency: null,
          expected: null,
          actual: null,
          detail: "holds",
        });
      }
      for (const row of found) {
        await write({
          source: "ledger",
          check: check.name,
          status: "exception",
          subject: null,
          currency: null,
          expected: null,
          actual: null,
          detail: check.describe(row),
        });
      }
      await context.progress(((i + 1) / ledgerChecks.length) * 0.4);
    }

    // Where the payouts' money should be, by status, against the ledger's net per account.
    const byStatus = await tx.unsafe<{ currency: string; status: string; amount: string }[]>(
      `select currency, status::text as status, sum(amount)::text as amount from payouts
       where organisation_id = ${setting("org")} and mode = ${setting("mode", "mode")} group by 1, 2`,
    );
    const ledgerNet = await tx.unsafe<{ currency: string; kind: string; net: string }[]>(
      `with moves as (
         select t.currency, t.amount, d.kind as debit_kind, c.kind as credit_kind
         from ledger_transfers t
         join ledger_accounts d on d.id = t.debit_account_id
         join ledger_accounts c on c.id = t.credit_account_id
         where t.organisation_id = ${setting("org")} and t.mode = ${setting("mode", "mode")}
           and t.payout_id is not null and t.phase in ('single', 'post'))
       select currency, kind::text as kind, sum(net)::text as net from (
         select currency, credit_kind as kind, amount as net from moves
         union all select currency, debit_kind, -amount from moves) x
       group by 1, 2`,
    );
    const currencies = [
      ...new Set([...byStatus.map((r) => r.currency), ...ledgerNet.map((r) => r.currency)]),
    ].sort();
    for (const currency of currencies) {
      const expected = { reserved: 0n, in_transit: 0n, paid_out: 0n, available: 0n };
      let total = 0n;
      for (const row of byStatus.filter((r) => r.currency === currency)) {
        const amount = BigInt(row.amount);
        total += amount;
        expected[accountHolding[row.status as keyof typeof accountHolding]] += amount;
      }
      // Released money is back in `available`: the net taken from it is what is still out.
      expected.available = -(total - expected.available);
      for (const account of Object.keys(expected) as (keyof typeof expected)[]) {
        const actual = BigInt(
          ledgerNet.find((r) => r.currency === currency && r.kind === account)?.net ?? "0",
        );
        const ok = actual === expected[account];
        await write({
          source: "payouts",
          check: "payouts' money is where their statuses say",
          status: ok ? "ok" : "exception",
          subject: account,
          currency,
          expected: expected[account].toString(),
          actual: actual.toString(),
          detail: ok
            ? "matches"
            : `the ledger holds ${actual} for payouts in ${account}, their statuses say ${expected[account]}`,
        });
      }
    }
    await context.progress(0.6);

    // Each payout whose own transfers leave its money somewhere its status does not.
    const holdingCase = Object.entries(accountHolding)
      .map(([status, account]) => `when '${status}' then '${account}'`)
      .join(" ");
    const cursor = tx
      .unsafe<
        {
          id: string;
          currency: string;
          status: string;
          amount: string;
          expected: string;
          actual: string;
        }[]
      >(
        `with nets as (
           select t.payout_id, c.kind as account, sum(t.amount) as credit, 0::numeric as debit
           from ledger_transfers t join ledger_accounts c on c.id = t.credit_account_id
           where t.organisation_id = ${setting("org")} and t.mode = ${setting("mode", "mode")}
             and t.payout_id is not null and t.phase in ('single', 'post')
           group by 1, 2
           union all
           select t.payout_id, d.kind, 0, sum(t.amount)
           from ledger_transfers t join ledger_accounts d on d.id = t.debit_account_id
           where t.organisation_id = ${setting("org")} and t.mode = ${setting("mode", "mode")}
             and t.payout_id is not null and t.phase in ('single', 'post')
           group by 1, 2),
         positions as (
           select payout_id, account::text as account, sum(credit) - sum(debit) as net from nets group by 1, 2),
         actuals as (
           select payout_id, string_agg(account || '=' || net::text, ';' order by account) as actual
           from positions where net <> 0 and account <> 'available' group by 1),
         expecteds as (
           select p.id, p.currency, p.status::text as status, p.amount,
                  (case p.status::text ${holdingCase} end) as account
           from payouts p
           where p.organisation_id = ${setting("org")} and p.mode = ${setting("mode", "mode")})
         select e.id, e.currency, e.status, e.amount::text as amount, e.account as expected,
                coalesce(a.actual, '') as actual
         from expecteds e left join actuals a on a.payout_id = e.id
         where coalesce(a.actual, '') <>
               (case when e.account = 'available' then '' else e.account || '=' || e.amount::text end)
         order by e.id`,
      )
      .cursor(500);
    for await (const batch of cursor) {
      for (const row of batch) {
        await write({
          source: "payouts",
          check: "each payout's transfers match its status",
          status: "exception",
          subject: row.id,
          currency: row.currency,
          expected: row.expected === "available" ? "" : `${row.expected}=${row.amount}`,
          actual: row.actual,
          detail: `payout ${row.id} is ${row.status} but its transfers leave ${row.actual || "nothing"} out of available`,
        });
      }
    }
    await context.progress(0.8);

    const period = {
      from: parameters.from ? new Date(parameters.from) : null,
      to: parameters.to ? new Date(parameters.to) : null,
    };
    for (const source of reconciliationSources) {
      for await (const line of source.lines(tx, scope, period)) await write(line);
    }
  });
  const { bytes } = await file.close();
  return {
    files: [{ name: "reconciliation.csv", rows, bytes }],
    rowCount: rows,
    summary: {
      checks: rows - exceptions,
      exceptions,
      sources: ["ledger", "payouts", ...reconciliationSources.map((s) => s.name)],
    },
  };
}
