import type { TaxAddress } from "@/db/schema";
import { AppError } from "@/lib/errors";
import { reportingThresholds, ruleForReport, taxSettingsOf } from "@/lib/tax/rules";
import { openTin } from "@/lib/tax/tin-vault";
import { csvLine } from "../csv";
import { copyRows, decimal, inSnapshot, setting, settingList } from "../snapshot";
import type { GeneratedReport, ReportContext } from "./types";

const mainHeader = [
  "tax_year",
  "status",
  "payee_recipient_id",
  "payee_external_id",
  "payee_email",
  "payee_name",
  "payee_business_name",
  "payee_entity_type",
  "payee_tin_type",
  "payee_tin",
  "payee_address_line1",
  "payee_address_line2",
  "payee_city",
  "payee_state",
  "payee_postal_code",
  "payee_country",
  "box1_nonemployee_compensation",
  "currency",
  "payouts_counted",
  "tpso_excluded_amount",
  "tpso_excluded_note",
  "payer_name",
  "payer_tin",
  "tax_form_id",
  "tax_form_signed_at",
];

/** The IRS IRIS Taxpayer Portal's CSV template for Form 1099-NEC, column for column. */
export const irisHeader = [
  "Form Type",
  "Tax Year",
  "Payer TIN Type",
  "Payer Taxpayer ID Number",
  "Payer Name Type",
  "Payer Business or Entity Name Line 1",
  "Payer Business or Entity Name Line 2",
  "Payer First Name",
  "Payer Middle Name",
  "Payer Last Name (Surname)",
  "Payer Suffix",
  "Payer Country",
  "Payer Address Line 1",
  "Payer Address Line 2",
  "Payer City/Town",
  "Payer State/Province/Territory",
  "Payer ZIP/Postal Code",
  "Payer Phone Type",
  "Payer Phone",
  "Payer Email Address",
  "Recipient TIN Type",
  "Recipient Taxpayer ID Number",
  "Recipient Name Type",
  "Recipient Business or Entity Name Line 1",
  "Recipient Business or Entity Name Line 2",
  "Recipient First Name",
  "Recipient Middle Name",
  "Recipient Last Name (Surname)",
  "Recipient Suffix",
  "Recipient Country",
  "Recipient Address Line 1",
  "Recipient Address Line 2",
  "Recipient City/Town",
  "Recipient State/Province/Territory",
  "Recipient ZIP/Postal Code",
  "Office Code",
  "Form Account Number",
  "2nd TIN Notice",
  "Box 1 - Nonemployee Compensation",
  "Box 2 - Payer made direct sales totaling $5000 or more of consumer products to a recipient for resale",
  "Box 4 - Federal income tax withheld",
  "Combined Federal/State Filing",
  ...[1, 2].flatMap((n) => [
    `State ${n}`,
    `State ${n} - State Tax Withheld`,
    `State ${n} - State/Payer state number`,
    `State ${n} - State income`,
    `State ${n} - Local income tax withheld`,
    `State ${n} - Special Data Entries`,
  ]),
];

/**
 * Every payee paid in the year with what counts toward 1099-NEC, what a TPSO's method
 * carried, and their current form; then those at or over the threshold (`rows`, shared
 * with the benchmark as "the same rows"), followed by one totals row over every payee so
 * the summary accounts for every cent paid without a second pass over the payouts.
 */
const payees1099 = `with paid as (
    select p.recipient_id,
      coalesce(sum(p.amount) filter (where not p.method = any(${settingList("excluded")})), 0) as counted,
      count(*) filter (where not p.method = any(${settingList("excluded")})) as counted_n,
      coalesce(sum(p.amount) filter (where p.method = any(${settingList("excluded")})), 0) as excluded
    from payouts p
    where p.organisation_id = ${setting("org")} and p.mode = ${setting("mode", "mode")}
      and p.status = 'paid' and p.currency = ${setting("currency")}
      and p.paid_at >= ${setting("from", "timestamptz")} and p.paid_at < ${setting("to", "timestamptz")}
    group by p.recipient_id),
  payees as (
    select r.id as recipient_id, r.external_id, r.email, r.name as recipient_name, r.country,
           paid.counted, paid.counted_n, paid.excluded,
           f.id as form_id, f.kind::text as form_kind, f.name as form_name, f.business_name,
           f.entity_type, f.tin_type, f.tin_sealed, f.address::text as address,
           to_char(f.signed_at at time zone 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS"Z"') as signed_at
    from paid
    join recipients r on r.id = paid.recipient_id
    left join tax_forms f on f.recipient_id = r.id and f.superseded_at is null
    where r.country = any(${settingList("countries")}) or f.kind = 'w9')`;

const payeeColumns = `recipient_id, external_id, email, recipient_name, country, counted::text,
  counted_n::text, excluded::text, form_id, form_kind, form_name, business_name, entity_type,
  tin_type, tin_sealed, address, signed_at`;

export const payees1099Query = {
  /** The payees listed: at or over the threshold (the `threshold` setting), by recipient. */
  rows: `${payees1099} select ${payeeColumns} from payees
    where counted >= ${setting("threshold", "bigint")} order by recipient_id`,
  /** The same, with a last row of totals over every payee (its first column null). */
  rowsAndTotals: `${payees1099}
    select * from (
      select ${payeeColumns} from payees where counted >= ${setting("threshold", "bigint")}
      union all
      select null, null, null, null, null, sum(counted)::text, null, sum(excluded)::text, null,
             null, null, null, null, null, null,
             coalesce(sum(counted) filter (where counted < ${setting("threshold", "bigint")}), 0)::text, null
      from payees) x
    order by recipient_id nulls last`,
};

/** "Maya J. Chen" → first "Maya J.", last "Chen", as IRIS splits an individual's name. */
function splitName(name: string): { first: string; last: string } {
  const parts = name.trim().split(/\s+/);
  const last = parts.pop() ?? "";
  return { first: parts.join(" "), last };
}

/**
 * Form 1099-NEC for one year: one row per payee whose counted payments reached the
 * threshold (the rule's, or the organisation's lower one). Counted: paid in the year, in
 * the rule's currency, not through an excluded method (PayPal, Venmo: the TPSO files a
 * 1099-K), shown beside each row with the rule's note. A payee without a W-9 on file is
 * listed as `missing_tax_form`, a corporation as `exempt_entity`; only `reportable` rows
 * go into the IRIS file. The one place TINs are opened.
 */
export async function tax1099NecReport(
  context: ReportContext<"tax_1099_nec">,
): Promise<GeneratedReport> {
  const { scope, db } = context;
  const year = context.parameters.tax_year;
  const rule = await ruleForReport(db, "1099-NEC", year);
  if (!rule) throw new AppError("validation_failed", `No 1099-NEC rule is known for ${year}.`);
  const settings = await taxSettingsOf(db, scope.organisationId);
  const thresholds = reportingThresholds(rule, settings);
  const payerTin = settings.tinSealed
    ? openTin(settings.tinSealed, { table: "organisation_tax_settings", id: scope.organisationId })
    : "";
  const payerName = settings.legalName ?? "";
  const payerAddress = settings.address;
  // What every IRIS row repeats (form, year, the payer block; the unused boxes and state
  // columns at the end), escaped once rather than per row.
  const irisLead = csvLine([
    "1099-NEC",
    year,
    payerTin.length === 9 ? "EIN" : "",
    payerTin,
    "Business",
    payerName,
    "",
    "",
    "",
    "",
    "",
    payerAddress?.country ?? "US",
    payerAddress?.line1,
    payerAddress?.line2,
    payerAddress?.city,
    payerAddress?.region,
    payerAddress?.postalCode,
    settings.phone ? "Daytime" : "",
    settings.phone,
    "",
  ]).slice(0, -1);
  const irisTail = ",,,".concat(",".repeat(12));
  const mainPayer = `${csvLine([payerName, payerTin]).slice(0, -1)}`;

  const main = context.file("tax_1099_nec.csv");
  const iris = context.file("iris_1099_nec.csv");
  await main.write(csvLine(mainHeader));
  await iris.write(csvLine(irisHeader));
  const totals = { listed: 0n, reportable: 0n, counted: 0n, underThreshold: 0n, excluded: 0n };
  const counts = { payees: 0, reportable: 0, missing: 0, exempt: 0 };
  let irisRows = 0;

  await inSnapshot(
    context.client,
    {
      org: scope.organisationId,
      mode: scope.mode,
      from: new Date(Date.UTC(year, 0, 1)).toISOString(),
      to: new Date(Date.UTC(year + 1, 0, 1)).toISOString(),
      currency: rule.currency,
      excluded: rule.excludedMethods.join(","),
      countries: rule.countries.join(","),
      threshold: thresholds.amount.toString(),
    },
    async (tx) => {
      const [population] = await tx.unsafe<{ n: string }[]>(
        `select count(*)::text as n from recipients
         where organisation_id = ${setting("org")} and mode = ${setting("mode", "mode")}`,
      );
      const payees = Math.max(1, Number(population?.n ?? 1));
      await copyRows(tx, payees1099Query.rowsAndTotals, async (rows) => {
        let mainLines = "";
        let irisLines = "";
        for (const row of rows) {
          const [
            recipientId,
            externalId,
            email,
            recipientName,
            country,
            countedText,
            countedN,
            excludedText,
            formId,
            formKind,
            formName,
            businessName,
            entityType,
            tinType,
            tinSealed,
            addressText,
            signedAt,
          ] = row;
          if (recipientId === null) {
            // The totals row: every payee's counted and excluded amounts, and those under.
            totals.counted = BigInt(countedText ?? "0");
            totals.excluded = BigInt(excludedText ?? "0");
            totals.underThreshold = BigInt(addressText ?? "0");
            continue;
          }
          const counted = BigInt(countedText as string);
          const excluded = BigInt(excludedText as string);
          counts.payees++;
          totals.listed += counted;
          const hasW9 = formKind === "w9" && tinSealed !== null;
          const exempt = hasW9 && rule.exemptEntityTypes.includes(entityType ?? "");
          const status = !hasW9 ? "missing_tax_form" : exempt ? "exempt_entity" : "reportable";
          if (status === "missing_tax_form") counts.missing++;
          else if (status === "exempt_entity") counts.exempt++;
          else {
            counts.reportable++;
            totals.reportable += counted;
          }
          const tin = hasW9
            ? openTin(tinSealed as string, { table: "tax_forms", id: formId as string })
            : "";
          const address = hasW9 && addressText ? (JSON.parse(addressText) as TaxAddress) : null;
          const box1 = decimal(counted, rule.currency);
          mainLines += csvLine([
            year,
            status,
            recipientId,
            externalId,
            email,
            hasW9 ? formName : recipientName,
            businessName,
            entityType,
            tinType,
            tin,
            address?.line1,
            address?.line2,
            address?.city,
            address?.region,
            address?.postalCode,
            address?.country ?? country,
            box1,
            rule.currency,
            countedN,
            decimal(excluded, rule.currency),
            excluded > 0n ? rule.exclusionNote : null,
          ]).slice(0, -1);
          mainLines += `,${mainPayer},${csvLine([formId, signedAt])}`;
          if (status === "reportable") {
            irisRows++;
            const individual = entityType === "individual";
            const name = splitName(formName ?? "");
            irisLines += `${irisLead},${csvLine([
              tinType === "ein" ? "EIN" : tin.startsWith("9") ? "ITIN" : "SSN",
              tin,
              individual ? "Individual" : "Business",
              individual ? "" : formName,
              individual ? "" : businessName,
              individual ? name.first : "",
              "",
              individual ? name.last : "",
              "",
              "US",
              address?.line1,
              address?.line2,
              address?.city,
              address?.region,
              address?.postalCode,
              "",
              "",
              "",
              box1,
            ]).slice(0, -1)}${irisTail}\n`;
          }
        }
        await main.write(mainLines);
        await iris.write(irisLines);
        await context.progress(Math.min(0.99, counts.payees / payees));
      });
    },
  );
  const mainFile = await main.close();
  const irisFile = await iris.close();
  const amount = (v: bigint) => v.toString();
  return {
    files: [
      { name: "tax_1099_nec.csv", rows: counts.payees, bytes: mainFile.bytes },
      { name: "iris_1099_nec.csv", rows: irisRows, bytes: irisFile.bytes },
    ],
    rowCount: counts.payees,
    summary: {
      tax_year: year,
      currency: rule.currency,
      threshold: amount(thresholds.amount),
      rule_source: rule.source,
      excluded_methods: rule.excludedMethods,
      exclusion_note: rule.exclusionNote,
      payees: counts.payees,
      reportable: counts.reportable,
      missing_tax_forms: counts.missing,
      exempt_entities: counts.exempt,
      box1_reportable_total: amount(totals.reportable),
      listed_total: amount(totals.listed),
      under_threshold_total: amount(totals.underThreshold),
      counted_total: amount(totals.counted),
      tpso_excluded_total: amount(totals.excluded),
      payer_details_missing: !payerName || !payerTin || !payerAddress,
    },
  };
}
