import type { Metadata } from "next";
import { ActionForm, Field, SubmitButton } from "@/components/dashboard/action-form";
import { Card, PageHeader } from "@/components/dashboard/page-header";
import { SelectField } from "@/components/dashboard/select-field";
import { db } from "@/db/client";
import { getApprovalThresholds } from "@/lib/batches/approval";
import { loadComplianceSettings } from "@/lib/compliance/settings";
import { currencies, formatMoney } from "@/lib/money";
import { requirePageMember } from "../../_lib/member";
import { saveComplianceSettingsAction, setApprovalThresholdAction } from "./actions";

export const metadata: Metadata = { title: "Settings" };

export default async function SettingsPage() {
  const member = await requirePageMember("settings.manage");
  const thresholds = Object.entries(await getApprovalThresholds(db, member.organisation.id));
  const compliance = await loadComplianceSettings(db, member.organisation.id);
  const limitLines = (
    [
      ["per recipient per day", compliance.recipientDailyAmount],
      ["per recipient per month", compliance.recipientMonthlyAmount],
      ["for the organisation per day", compliance.organisationDailyAmount],
    ] as const
  ).flatMap(([label, amounts]) =>
    Object.entries(amounts).map(
      ([currency, amount]) => `${formatMoney({ amount, currency })} ${label}`,
    ),
  );
  return (
    <>
      <PageHeader title="Settings" />
      <div className="grid gap-6 xl:grid-cols-2">
        <Card title="Campaign approval (maker–checker)">
          <p className="mb-4 text-sm text-slate-700">
            A campaign whose total is above the threshold for its currency waits until a member
            other than its creator approves it. Set 0 to require approval for every campaign; leave
            empty for none.
          </p>
          {thresholds.length ? (
            <ul className="mb-4 space-y-1 text-sm" data-testid="approval-thresholds">
              {thresholds.map(([currency, amount]) => (
                <li key={currency}>
                  {currency}: above{" "}
                  <strong>{formatMoney({ amount: amount ?? 0n, currency: currency })}</strong>
                </li>
              ))}
            </ul>
          ) : (
            <p className="mb-4 text-sm text-slate-600">No thresholds: campaigns start at once.</p>
          )}
          <ActionForm
            action={setApprovalThresholdAction}
            organisationId={member.organisation.id}
            className="flex flex-wrap items-end gap-3"
          >
            <SelectField name="currency" label="Currency" options={currencies} defaultValue="USD" />
            <div className="w-40">
              <Field name="amount" label="Threshold" inputMode="decimal" placeholder="5000.00" />
            </div>
            <SubmitButton pendingLabel="Saving…">Save threshold</SubmitButton>
          </ActionForm>
        </Card>
        <Card title="Compliance screening and limits">
          <p className="mb-4 text-sm text-slate-700">
            A name match scoring at least the review threshold (in hundredths: 80 = 0.80) holds the
            payout for review; at least the block threshold cancels it. Limits hold the payout that
            crosses them (days and months in UTC); leave a count empty for no limit. Amounts apply
            to the currency chosen: empty keeps its current limit, 0 removes it.
          </p>
          <p className="mb-4 text-sm text-slate-600" data-testid="compliance-limits">
            Counts: {compliance.recipientDailyCount ?? "no"} per recipient per day,{" "}
            {compliance.recipientMonthlyCount ?? "no"} per month.{" "}
            {limitLines.length ? `Amounts: ${limitLines.join("; ")}.` : "No amount limits."}
          </p>
          <ActionForm
            action={saveComplianceSettingsAction}
            organisationId={member.organisation.id}
            className="grid gap-3 sm:grid-cols-2"
          >
            <Field
              name="reviewThreshold"
              label="Review threshold"
              inputMode="numeric"
              defaultValue={Math.round(compliance.reviewThreshold * 100)}
            />
            <Field
              name="blockThreshold"
              label="Block threshold"
              inputMode="numeric"
              defaultValue={Math.round(compliance.blockThreshold * 100)}
            />
            <Field
              name="recipientDailyCount"
              label="Payouts per recipient per day"
              inputMode="numeric"
              defaultValue={compliance.recipientDailyCount ?? ""}
            />
            <Field
              name="recipientMonthlyCount"
              label="Payouts per recipient per month"
              inputMode="numeric"
              defaultValue={compliance.recipientMonthlyCount ?? ""}
            />
            <SelectField
              name="limitCurrency"
              label="Currency of the amounts"
              options={currencies}
              defaultValue="USD"
            />
            <Field
              name="recipientDailyAmount"
              label="Amount per recipient per day"
              inputMode="decimal"
            />
            <Field
              name="recipientMonthlyAmount"
              label="Amount per recipient per month"
              inputMode="decimal"
            />
            <Field
              name="organisationDailyAmount"
              label="Amount for the organisation per day"
              inputMode="decimal"
            />
            <div>
              <SubmitButton pendingLabel="Saving…">Save compliance settings</SubmitButton>
            </div>
          </ActionForm>
        </Card>
      </div>
    </>
  );
}
