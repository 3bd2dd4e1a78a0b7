import { asc, eq, sql } from "drizzle-orm";
import type { DbOrTx } from "@/db/client";
import { organisationTaxSettings, taxRules } from "@/db/schema";

export type TaxRule = typeof taxRules.$inferSelect;
export type TaxSettings = Omit<typeof organisationTaxSettings.$inferSelect, "updatedAt">;

/**
 * The rules in force for `year`: for each jurisdiction and form, the row of that year,
 * else the latest earlier one (a year the authority has not yet published a figure for
 * keeps the last known one), else the earliest.
 */
function inForce(rows: TaxRule[], year: number): TaxRule[] {
  const groups = new Map<string, TaxRule[]>();
  for (const row of rows) {
    const key = `${row.jurisdiction}:${row.reportForm}`;
    groups.set(key, [...(groups.get(key) ?? []), row]);
  }
  return [...groups.values()].map((group) => {
    const byYear = group.sort((a, b) => a.taxYear - b.taxYear);
    return byYear.filter((r) => r.taxYear <= year).at(-1) ?? (byYear[0] as TaxRule);
  });
}

/** The rules that apply to a payee resident in `country` for payments made in `year`. */
export async function rulesFor(db: DbOrTx, country: string, year: number): Promise<TaxRule[]> {
  const rows = await db
    .select()
    .from(taxRules)
    .where(sql`${taxRules.countries} ? ${country.toUpperCase()}`)
    .orderBy(asc(taxRules.taxYear));
  return inForce(rows, year);
}

/** The rule of one report form for `year`, or null when none is known. */
export async function ruleForReport(
  db: DbOrTx,
  reportForm: string,
  year: number,
): Promise<TaxRule | null> {
  const rows = await db.select().from(taxRules).where(eq(taxRules.reportForm, reportForm));
  return inForce(rows, year)[0] ?? null;
}

const defaults = (organisationId: string): TaxSettings => ({
  organisationId,
  legalName: null,
  tinSealed: null,
  tinLast4: null,
  address: null,
  phone: null,
  collectPercent: 100,
  thresholds: {},
  apiTaxReports: false,
});

export async function taxSettingsOf(db: DbOrTx, organisationId: string): Promise<TaxSettings> {
  const [row] = await db
    .select()
    .from(organisationTaxSettings)
    .where(eq(organisationTaxSettings.organisationId, organisationId));
  if (!row) return defaults(organisationId);
  const { updatedAt: _, ...settings } = row;
  return settings;
}

export type Thresholds = {
  currency: string;
  /** Minor units of `currency`. */
  amount: bigint;
  count: number | null;
};

/**
 * The thresholds that decide reporting: the rule's, or the organisation's own where it
 * set a lower one. A higher one is never taken, so an organisation cannot raise them.
 */
export function reportingThresholds(rule: TaxRule, settings: TaxSettings): Thresholds {
  const own = settings.thresholds[rule.reportForm];
  const ownAmount = own?.amount !== undefined ? BigInt(own.amount) : null;
  const amount =
    ownAmount !== null && ownAmount > 0n && ownAmount < rule.amountThreshold
      ? ownAmount
      : rule.amountThreshold;
  const count =
    rule.countThreshold !== null && own?.count !== undefined && own.count > 0
      ? Math.min(own.count, rule.countThreshold)
      : rule.countThreshold;
  return { currency: rule.currency, amount, count };
}

export type YearlyTotals = { amount: bigint; count: number };

/** Whether totals reach thresholds (reaching is enough: "$600 or more"). */
export function reaches(totals: YearlyTotals, thresholds: Thresholds, percent = 100): boolean {
  // total ≥ threshold × percent / 100, in integers: no rounding decides it.
  const p = BigInt(percent);
  if (totals.amount * 100n >= thresholds.amount * p) return true;
  return thresholds.count !== null && totals.count * 100 >= thresholds.count * percent;
}
