import type { Metadata } from "next";
import { ActionForm, Field, SubmitButton } from "@/components/dashboard/action-form";
import { Card, PageHeader } from "@/components/dashboard/page-header";
import { db } from "@/db/client";
import { getApprovalThresholds } from "@/lib/batches/approval";
import { currencies, formatMoney } from "@/lib/money";
import { requirePageMember } from "../../_lib/member";
import { setApprovalThresholdAction } from "./actions";

export const metadata: Metadata = { title: "Settings" };

export default async function SettingsPage() {
  const member = await requirePageMember("settings.manage");
  const thresholds = Object.entries(await getApprovalThresholds(db, member.organisation.id));
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
            <label className="text-sm font-medium text-slate-700">
              Currency
              <select
                name="currency"
                defaultValue="USD"
                className="mt-1 block rounded-md border border-slate-300 bg-white px-2 py-2 text-sm"
              >
                {currencies.map((c) => (
                  <option key={c} value={c}>
                    {c}
                  </option>
                ))}
              </select>
            </label>
            <div className="w-40">
              <Field name="amount" label="Threshold" inputMode="decimal" placeholder="5000.00" />
            </div>
            <SubmitButton pendingLabel="Saving…">Save</SubmitButton>
          </ActionForm>
        </Card>
      </div>
    </>
  );
}
