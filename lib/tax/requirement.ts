import { sql } from "drizzle-orm";
import type { DbOrTx } from "@/db/client";
import type { Scope } from "@/db/scope";
import { payoutEvents } from "@/lib/payouts/machine";
import type { TaxFormKind } from "./forms";
import {
  reaches,
  reportingThresholds,
  rulesFor,
  type TaxRule,
  type Thresholds,
  taxSettingsOf,
  type YearlyTotals,
} from "./rules";
import { currentTaxForm, stillValid } from "./tax-forms";

/** Payouts on their way to being paid this year: chosen and submitted, not yet settled. */
const inFlight = [payoutEvents.claim.to, payoutEvents.submit.to];
const paid = payoutEvents.settle.to;

/**
 * What a payee has received from this payer in `year` and what is on its way, as a rule
 * counts it: amounts only in the rule's currency (no conversion: a payout in another
 * currency does not count toward the amount), payouts through an excluded method (a
 * TPSO's, reported on 1099-K) not at all.
 */
export async function yearlyTotals(
  db: DbOrTx,
  scope: Scope,
  input: { recipientId: string; year: number; rule: TaxRule; exceptPayoutId?: string },
): Promise<YearlyTotals> {
  const from = new Date(Date.UTC(input.year, 0, 1)).toISOString();
  const to = new Date(Date.UTC(input.year + 1, 0, 1)).toISOString();
  const [row] = await db.execute<{ amount: string; count: number }>(sql`
    select coalesce(sum(amount) filter (where currency = ${input.rule.currency}), 0)::text as amount,
           count(*)::int as count
    from payouts
    where organisation_id = ${scope.organisationId} and mode = ${scope.mode}
      and recipient_id = ${input.recipientId}
      and id <> ${input.exceptPayoutId ?? ""}
      and ((status = ${paid} and paid_at >= ${from} and paid_at < ${to})
           or status = any(${sql.param(inFlight)}::payout_status[]))
      and (method is null or not method = any(${sql.param(input.rule.excludedMethods)}::text[]))`);
  return { amount: BigInt(row?.amount ?? "0"), count: row?.count ?? 0 };
}

export type TaxRequirement = {
  form: TaxFormKind;
  reportForm: string;
  year: number;
  thresholds: Thresholds;
  /** The payee's total with this payout. */
  projected: YearlyTotals;
};

/**
 * Whether this payout needs the payee's tax details before it can be claimed: when it
 * would take their yearly total with this payer to a threshold of their jurisdiction
 * (or to the organisation's share of it, `collectPercent`) and no valid form of the
 * right kind is on file. The payout counts unless its method is known and excluded
 * (before the recipient chooses, it is assumed to count).
 */
export async function taxRequirementFor(
  db: DbOrTx,
  scope: Scope,
  input: {
    recipient: { id: string; country: string };
    payout: { id: string; amount: bigint; currency: string; method?: string | null };
    now?: Date;
  },
): Promise<TaxRequirement | null> {
  const now = input.now ?? new Date();
  const year = now.getUTCFullYear();
  const rules = await rulesFor(db, input.recipient.country, year);
  if (rules.length === 0) return null;
  const settings = await taxSettingsOf(db, scope.organisationId);
  for (const rule of rules) {
    const before = await yearlyTotals(db, scope, {
      recipientId: input.recipient.id,
      year,
      rule,
      exceptPayoutId: input.payout.id,
    });
    const counts = !input.payout.method || !rule.excludedMethods.includes(input.payout.method);
    const projected: YearlyTotals = {
      amount:
        before.amount +
        (counts && input.payout.currency === rule.currency ? input.payout.amount : 0n),
      count: before.count + (counts ? 1 : 0),
    };
    const thresholds = reportingThresholds(rule, settings);
    if (!reaches(projected, thresholds, settings.collectPercent)) continue;
    const onFile = await currentTaxForm(db, scope, input.recipient.id);
    if (onFile && onFile.kind === rule.collectForm && stillValid(onFile, now)) continue;
    return {
      form: rule.collectForm as TaxFormKind,
      reportForm: rule.reportForm,
      year,
      thresholds,
      projected,
    };
  }
  return null;
}
