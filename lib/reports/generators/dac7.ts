import type { TaxAddress } from "@/db/schema";
import { AppError } from "@/lib/errors";
import { reaches, reportingThresholds, ruleForReport, taxSettingsOf } from "@/lib/tax/rules";
import { openTin } from "@/lib/tax/tin-vault";
import { type Cell, csvLine } from "../csv";
import { decimal, inSnapshot, setting, settingList } from "../snapshot";
import type { GeneratedReport, ReportContext } from "./types";

const quarters = [1, 2, 3, 4] as const;
const header = [
  "tax_year",
  "status",
  "seller_recipient_id",
  "seller_external_id",
  "seller_email",
  "name",
  "date_of_birth",
  "tin",
  "tin_issued_by",
  "no_tin_reason",
  "address_line1",
  "address_line2",
  "city",
  "region",
  "postal_code",
  "country_of_residence",
  "citizenship",
  "currency",
  ...quarters.map((q) => `consideration_q${q}`),
  ...quarters.map((q) => `activities_q${q}`),
  ...quarters.map((q) => `fees_q${q}`),
  "total_consideration",
  "total_activities",
  "tax_form_id",
];

type SellerRow = {
  recipient_id: string;
  external_id: string | null;
  email: string;
  recipient_name: string | null;
  country: string;
  currency: string;
  amounts: string[];
  counts: number[];
  fees: string[];
  seller_count: number;
  seller_eur: string;
  form_id: string | null;
  form_kind: string | null;
  form_name: string | null;
  date_of_birth: string | null;
  tin_sealed: string | null;
  no_tin_reason: string | null;
  citizenship: string | null;
  address: TaxAddress | null;
};

/**
 * DAC7 data for one year: one row per reportable seller (EU resident) and currency paid
 * in, with per-quarter consideration, number of payouts (relevant activities) and fees
 * (money moved to the fees account for the seller's payouts). A seller is reportable at 30
 * payouts in any currency or at the threshold's amount in EUR (the rule's, or the
 * organisation's lower one). Without a W-8BEN on file the row says `missing_tax_form`.
 */
export async function dac7Report(context: ReportContext<"dac7">): Promise<GeneratedReport> {
  const { scope, db } = context;
  const year = context.parameters.tax_year;
  const rule = await ruleForReport(db, "DAC7", year);
  if (!rule) throw new AppError("validation_failed", `No DAC7 rule is known for ${year}.`);
  const thresholds = reportingThresholds(rule, await taxSettingsOf(db, scope.organisationId));
  const file = context.file("dac7.csv");
  await file.write(csvLine(header));
  let rows = 0;
  let missing = 0;
  const sellers = new Set<string>();
  const consideration: Record<string, bigint> = {};
  let seen = 0;

  await inSnapshot(
    context.client,
    {
      org: scope.organisationId,
      mode: scope.mode,
      from: new Date(Date.UTC(year, 0, 1)).toISOString(),
      to: new Date(Date.UTC(year + 1, 0, 1)).toISOString(),
      currency: rule.currency,
      countries: rule.countries.join(","),
    },
    async (tx) => {
      const [population] = await tx.unsafe<{ n: string }[]>(
        `select count(*)::text as n from recipients
         where organisation_id = ${setting("org")} and mode = ${setting("mode", "mode")}`,
      );
      const total = Math.max(1, Number(population?.n ?? 1));
      const cursor = tx
        .unsafe<SellerRow[]>(
          `with paid as (
             select p.id, p.recipient_id, p.currency, p.amount,
                    extract(quarter from p.paid_at at time zone 'UTC')::int as q
             from payouts p join recipients r on r.id = p.recipient_id
             where p.organisation_id = ${setting("org")} and p.mode = ${setting("mode", "mode")}
               and p.status = 'paid'
               and p.paid_at >= ${setting("from", "timestamptz")} and p.paid_at < ${setting("to", "timestamptz")}
               and r.country = any(${settingList("countries")})),
           fees as (
             select t.payout_id, sum(t.amount) as fee
             from ledger_transfers t join ledger_accounts c on c.id = t.credit_account_id
             where t.organisation_id = ${setting("org")} and t.mode = ${setting("mode", "mode")}
               and c.kind = 'fees' and t.phase in ('single', 'post')
               and t.payout_id in (select id from paid)
             group by 1),
           per_currency as (
             select paid.recipient_id, paid.currency,
                    array[${quarters.map((q) => `coalesce(sum(paid.amount) filter (where q = ${q}), 0)::text`).join(", ")}] as amounts,
                    array[${quarters.map((q) => `(count(*) filter (where q = ${q}))::int`).join(", ")}] as counts,
                    array[${quarters.map((q) => `coalesce(sum(fees.fee) filter (where q = ${q}), 0)::text`).join(", ")}] as fees,
                    sum(paid.amount) as amount, count(*) as n
             from paid left join fees on fees.payout_id = paid.id
             group by 1, 2),
           per_seller as (
             select c.*, sum(c.n) over (partition by c.recipient_id)::int as seller_count,
                    coalesce(sum(c.amount) filter (where c.currency = ${setting("currency")}) over (partition by c.recipient_id), 0)::text as seller_eur
             from per_currency c)
           select s.recipient_id, r.external_id, r.email, r.name as recipient_name, r.country, s.currency,
                  s.amounts, s.counts, s.fees, s.seller_count, s.seller_eur,
                  f.id as form_id, f.kind::text as form_kind, f.name as form_name, f.date_of_birth,
                  f.tin_sealed, f.no_tin_reason, f.citizenship, f.address
           from per_seller s
           join recipients r on r.id = s.recipient_id
           left join tax_forms f on f.recipient_id = r.id and f.superseded_at is null
           order by s.recipient_id, s.currency`,
        )
        .cursor(1000);
      for await (const batch of cursor) {
        for (const row of batch) {
          seen++;
          const seller = { amount: BigInt(row.seller_eur), count: row.seller_count };
          if (!reaches(seller, thresholds)) continue;
          const hasForm = row.form_kind === "w8ben";
          if (!sellers.has(row.recipient_id)) {
            sellers.add(row.recipient_id);
            if (!hasForm) missing++;
          }
          rows++;
          const amounts = row.amounts.map(BigInt);
          const fees = row.fees.map(BigInt);
          const sum = amounts.reduce((a, b) => a + b, 0n);
          consideration[row.currency] = (consideration[row.currency] ?? 0n) + sum;
          const tin =
            hasForm && row.tin_sealed
              ? openTin(row.tin_sealed, { table: "tax_forms", id: row.form_id as string })
              : "";
          const address = hasForm ? row.address : null;
          const cells: Cell[] = [
            year,
            hasForm ? "reportable" : "missing_tax_form",
            row.recipient_id,
            row.external_id,
            row.email,
            hasForm ? row.form_name : row.recipient_name,
            row.date_of_birth,
            tin,
            tin ? (address?.country ?? row.country) : "",
            row.no_tin_reason,
            address?.line1,
            address?.line2,
            address?.city,
            address?.region,
            address?.postalCode,
            address?.country ?? row.country,
            row.citizenship,
            row.currency,
            ...amounts.map((a) => decimal(a, row.currency)),
            ...row.counts,
            ...fees.map((f) => decimal(f, row.currency)),
            decimal(sum, row.currency),
            row.counts.reduce((a, b) => a + b, 0),
            row.form_id,
          ];
          await file.write(csvLine(cells));
        }
        await context.progress(Math.min(0.99, seen / total));
      }
    },
  );
  const { bytes } = await file.close();
  return {
    files: [{ name: "dac7.csv", rows, bytes }],
    rowCount: rows,
    summary: {
      tax_year: year,
      threshold: {
        amount: thresholds.amount.toString(),
        currency: thresholds.currency,
        count: thresholds.count,
      },
      rule_source: rule.source,
      sellers: sellers.size,
      missing_tax_forms: missing,
      consideration: Object.fromEntries(
        Object.entries(consideration).map(([c, v]) => [c, v.toString()]),
      ),
    },
  };
}
