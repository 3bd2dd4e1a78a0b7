import type { Scope } from "@/db/scope";
import type { ReportParameters } from "../parameters";
import { copyCsv, decimalSql, inSnapshot, safeTextSql, setting, settingList } from "../snapshot";
import type { GeneratedReport, ReportContext } from "./types";

/** The report's rows as one SELECT and the settings it reads (shared with the benchmark). */
export function payoutsQuery(p: ReportParameters<"payouts">, scope: Scope) {
  const where = [
    `p.organisation_id = ${setting("org")}`,
    `p.mode = ${setting("mode", "mode")}`,
    `p.created_at >= ${setting("from", "timestamptz")}`,
    `p.created_at < ${setting("to", "timestamptz")}`,
  ];
  const settings: Record<string, string> = {
    org: scope.organisationId,
    mode: scope.mode,
    from: p.from,
    to: p.to,
  };
  if (p.status) {
    where.push(`p.status = any(${settingList("statuses", "payout_status")})`);
    settings.statuses = p.status.join(",");
  }
  if (p.batch_id) {
    where.push(`p.batch_id = ${setting("batch")}`);
    settings.batch = p.batch_id;
  }
  if (p.currency) {
    where.push(`p.currency = ${setting("currency")}`);
    settings.currency = p.currency;
  }
  const filter = where.join(" and ");
  return {
    settings,
    select: `select p.id as "payout_id", to_char(p.created_at at time zone 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS"Z"') as "created_at",
              p.status as "status", ${decimalSql("p.amount", "p.currency")} as "amount", p.currency as "currency",
              p.amount as "amount_minor", p.recipient_id as "recipient_id",
              ${safeTextSql("r.external_id")} as "recipient_external_id", ${safeTextSql("r.email")} as "recipient_email",
              ${safeTextSql("r.name")} as "recipient_name", r.country as "recipient_country",
              p.batch_id as "batch_id", p.method as "method", ${safeTextSql("p.description")} as "description",
              ${safeTextSql("p.failure_reason")} as "failure_reason",
              to_char(p.claimed_at at time zone 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS"Z"') as "claimed_at",
              to_char(p.paid_at at time zone 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS"Z"') as "paid_at"
       from payouts p join recipients r on r.id = p.recipient_id
       where ${filter} order by p.id`,
  };
}

/**
 * Payouts created in the period, filtered by status, batch and currency: one row each,
 * written by PostgreSQL's COPY from one snapshot. Method details (bank numbers) are
 * never in it.
 */
export async function payoutsReport(context: ReportContext<"payouts">): Promise<GeneratedReport> {
  const { settings, select } = payoutsQuery(context.parameters, context.scope);
  const file = context.file("payouts.csv");
  // Totals and progress come from the rows as they stream (created_at, status, currency,
  // amount_minor lead each row), so the payouts are read once. Progress is how far into
  // the period the rows, which come in creation order, have reached.
  const from = Date.parse(context.parameters.from);
  const span = Math.max(1, Math.min(Date.parse(context.parameters.to), Date.now()) - from);
  // The latest created_at seen: ISO strings of one format compare as their times do.
  let reached = "";
  // Amounts add up as numbers, exact while below 2^53: one amount is at most 10^15, so the
  // running number moves into the bigint before it passes 8 × 10^15.
  const totals = new Map<string, { count: number; amount: bigint; pending: number }>();
  return inSnapshot(context.client, settings, async (tx) => {
    const rows = await copyCsv(tx, select, file, {
      fields: 6,
      onFields: ([, createdAt = "", status, , currency, amountMinor]) => {
        const key = `${currency}:${status}`;
        let total = totals.get(key);
        if (!total) {
          total = { count: 0, amount: 0n, pending: 0 };
          totals.set(key, total);
        }
        total.count++;
        total.pending += Number(amountMinor);
        if (total.pending > 8e15) {
          total.amount += BigInt(total.pending);
          total.pending = 0;
        }
        if (createdAt > reached) reached = createdAt;
      },
      onChunk: () => context.progress(reached ? (Date.parse(reached) - from) / span : 0),
    });
    for (const total of totals.values()) total.amount += BigInt(total.pending);
    const { bytes } = await file.close();
    const byCurrency: Record<
      string,
      {
        count: number;
        amount: string;
        by_status: Record<string, { count: number; amount: string }>;
      }
    > = {};
    for (const [key, total] of [...totals].sort(([a], [b]) => (a < b ? -1 : 1))) {
      const [currency = "", status = ""] = key.split(":");
      const entry = byCurrency[currency] ?? { count: 0, amount: "0", by_status: {} };
      byCurrency[currency] = entry;
      entry.count += total.count;
      entry.amount = (BigInt(entry.amount) + total.amount).toString();
      entry.by_status[status] = { count: total.count, amount: total.amount.toString() };
    }
    return {
      files: [{ name: "payouts.csv", rows, bytes }],
      rowCount: rows,
      summary: { payouts: rows, by_currency: byCurrency },
    };
  });
}
