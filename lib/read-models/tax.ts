import { sql } from "drizzle-orm";
import type { DbOrTx } from "@/db/client";
import type { Scope } from "@/db/scope";
import { taxHeldStatuses } from "@/lib/payouts/machine";
import { reportingThresholds, ruleForReport, taxSettingsOf } from "@/lib/tax/rules";

export type PayeeMissingForm = {
  recipientId: string;
  email: string;
  name: string | null;
  country: string;
  /** The form the payee owes: `w9` or `w8ben`. */
  form: string;
  reportForm: string;
  /** What counts toward the threshold this year, in `currency`. */
  counted: bigint;
  currency: string;
  payouts: number;
  /** Payouts waiting in the claim for this payee's form. */
  held: number;
};

/**
 * The Tax page's worklist: payees who owe a form — a payout of theirs is held for it, or
 * this year's counted payments already reached a reporting threshold — and have none of
 * the right kind on file. At most `limit` per report form, largest first.
 */
export async function payeesMissingTaxForms(
  db: DbOrTx,
  scope: Scope,
  options: { year?: number; limit?: number } = {},
): Promise<PayeeMissingForm[]> {
  const year = options.year ?? new Date().getUTCFullYear();
  const settings = await taxSettingsOf(db, scope.organisationId);
  const from = new Date(Date.UTC(year, 0, 1)).toISOString();
  const to = new Date(Date.UTC(year + 1, 0, 1)).toISOString();
  const found: PayeeMissingForm[] = [];
  for (const reportForm of ["1099-NEC", "DAC7"]) {
    const rule = await ruleForReport(db, reportForm, year);
    if (!rule) continue;
    const thresholds = reportingThresholds(rule, settings);
    const rows = await db.execute<{
      recipient_id: string;
      email: string;
      name: string | null;
      country: string;
      counted: string;
      payouts: number;
      held: number;
    }>(sql`
      with counted as (
        select p.recipient_id,
          coalesce(sum(p.amount) filter (where p.status = 'paid' and p.paid_at >= ${from} and p.paid_at < ${to}
            and p.currency = ${rule.currency}
            and not p.method = any(${sql.param(rule.excludedMethods)}::text[])), 0) as counted,
          (count(*) filter (where p.status = 'paid' and p.paid_at >= ${from} and p.paid_at < ${to}
            and not p.method = any(${sql.param(rule.excludedMethods)}::text[])))::int as payouts,
          (count(*) filter (where p.status = any(${sql.param(taxHeldStatuses)}::payout_status[])))::int as held
        from payouts p
        join recipients r on r.id = p.recipient_id
        where p.organisation_id = ${scope.organisationId} and p.mode = ${scope.mode}
          and r.country = any(${sql.param(rule.countries)}::text[])
        group by p.recipient_id)
      select r.id as recipient_id, r.email, r.name, r.country, c.counted::text as counted, c.payouts, c.held
      from counted c
      join recipients r on r.id = c.recipient_id
      left join tax_forms f on f.recipient_id = r.id and f.superseded_at is null and f.kind = ${rule.collectForm}
      where f.id is null
        and (c.held > 0 or c.counted >= ${thresholds.amount.toString()}::bigint
             or (${thresholds.count}::int is not null and c.payouts >= ${thresholds.count}::int))
      order by c.held desc, c.counted desc
      limit ${options.limit ?? 100}`);
    for (const row of rows) {
      found.push({
        recipientId: row.recipient_id,
        email: row.email,
        name: row.name,
        country: row.country,
        form: rule.collectForm,
        reportForm,
        counted: BigInt(row.counted),
        currency: rule.currency,
        payouts: row.payouts,
        held: row.held,
      });
    }
  }
  return found;
}
