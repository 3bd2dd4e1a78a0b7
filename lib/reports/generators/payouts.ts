import type { GeneratedReport, ReportContext } from "../generate";
import { copyCsv, decimalSql, inSnapshot, safeTextSql, setting } from "../snapshot";

/**
 * Payouts created in the period, filtered by status, batch and currency: one row each,
 * written by PostgreSQL's COPY from one snapshot. Method details (bank numbers) are
 * never in it.
 */
export async function payoutsReport(context: ReportContext<"payouts">): Promise<GeneratedReport> {
  const { parameters: p, scope } = context;
  const where = [
    `p.organisation_id = ${setting("org")}`,
    `p.mode = ${setting("mode")}::mode`,
    `p.created_at >= ${setting("from")}::timestamptz`,
    `p.created_at < ${setting("to")}::timestamptz`,
  ];
  const settings: Record<string, string> = {
    org: scope.organisationId,
    mode: scope.mode,
    from: p.from,
    to: p.to,
  };
  if (p.status) {
    where.push(`p.status = any(string_to_array(${setting("statuses")}, ',')::payout_status[])`);
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
  const file = context.file("payouts.csv");
  return inSnapshot(context.client, settings, async (tx) => {
    const [count] = await tx.unsafe<{ n: string }[]>(
      `select count(*)::text as n from payouts p where ${filter}`,
    );
    const total = Number(count?.n ?? 0);
    const totals = await tx.unsafe<
      { currency: string; status: string; n: string; amount: string }[]
    >(
      `select p.currency, p.status::text as status, count(*)::text as n, sum(p.amount)::text as amount
       from payouts p where ${filter} group by 1, 2 order by 1, 2`,
    );
    const rows = await copyCsv(
      tx,
      `select p.id as "payout_id", to_char(p.created_at at time zone 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS"Z"') as "created_at",
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
      file,
      (done) => context.progress(total === 0 ? 1 : done / total),
    );
    const { bytes } = await file.close();
    const byCurrency: Record<
      string,
      {
        count: number;
        amount: string;
        by_status: Record<string, { count: number; amount: string }>;
      }
    > = {};
    for (const t of totals) {
      const entry = byCurrency[t.currency] ?? { count: 0, amount: "0", by_status: {} };
      byCurrency[t.currency] = entry;
      entry.count += Number(t.n);
      entry.amount = (BigInt(entry.amount) + BigInt(t.amount)).toString();
      entry.by_status[t.status] = { count: Number(t.n), amount: t.amount };
    }
    return {
      files: [{ name: "payouts.csv", rows, bytes }],
      rowCount: rows,
      summary: { payouts: rows, by_currency: byCurrency },
    };
  });
}
