import { randomUUID } from "node:crypto";
import type { Metadata } from "next";
import { ActionForm, Field, SubmitButton } from "@/components/dashboard/action-form";
import { Money } from "@/components/dashboard/money";
import { Card, EmptyState, PageHeader } from "@/components/dashboard/page-header";
import { SelectField } from "@/components/dashboard/select-field";
import { db } from "@/db/client";
import { can } from "@/lib/auth/permissions";
import { formatMajorAmount } from "@/lib/decimal-amount";
import { type Currency, currencies, formatMoney } from "@/lib/money";
import { fundingInstructions } from "@/lib/providers/funding";
import { balancesWithThresholds } from "@/lib/read-models/overview";
import { requirePageMember } from "../../_lib/member";
import { addTestFundsAction, setThresholdAction } from "./actions";

export const metadata: Metadata = { title: "Funding" };

export default async function FundingPage() {
  const member = await requirePageMember("funding.view");
  const [balances, instructions] = await Promise.all([
    balancesWithThresholds(db, member.scope),
    fundingInstructions(db, member.scope),
  ]);
  const orgId = member.organisation.id;
  return (
    <>
      <PageHeader
        title="Funding"
        description="Your balances per currency, and when to warn you that one is running low."
      />
      <div className="grid gap-6 xl:grid-cols-3">
        <Card title="Balances" className="xl:col-span-2">
          {balances.length === 0 ? (
            <EmptyState>No balance in {member.mode} mode yet.</EmptyState>
          ) : (
            <table className="w-full text-sm" data-testid="balances">
              <thead className="text-left text-slate-600">
                <tr>
                  <th className="py-1 font-medium">Currency</th>
                  <th className="py-1 text-right font-medium">Available</th>
                  <th className="py-1 text-right font-medium">Reserved</th>
                  <th className="py-1 text-right font-medium">In transit</th>
                  <th className="py-1 text-right font-medium">Paid out</th>
                  <th className="py-1 text-right font-medium">Alert below</th>
                </tr>
              </thead>
              <tbody>
                {balances.map((b) => (
                  <tr key={b.currency} className="border-t border-slate-100">
                    <td className="py-2 font-medium">
                      {b.currency}
                      {b.low ? (
                        <span className="ml-2 rounded-full bg-red-100 px-2 py-0.5 text-xs text-red-800">
                          low
                        </span>
                      ) : null}
                    </td>
                    <td className="py-2 text-right font-semibold">
                      <Money amount={b.available} currency={b.currency} />
                    </td>
                    <td className="py-2 text-right">
                      <Money amount={b.reserved} currency={b.currency} />
                    </td>
                    <td className="py-2 text-right">
                      <Money amount={b.inTransit} currency={b.currency} />
                    </td>
                    <td className="py-2 text-right">
                      <Money amount={b.paidOut} currency={b.currency} />
                    </td>
                    <td className="py-2 text-right text-slate-600">
                      {b.threshold === null
                        ? "—"
                        : formatMoney({ amount: b.threshold, currency: b.currency })}
                    </td>
                  </tr>
                ))}
              </tbody>
            </table>
          )}
        </Card>
        <div className="space-y-6">
          {member.mode === "test" && can(member.role, "funding.deposit") ? (
            <Card title="Add test money">
              <ActionForm action={addTestFundsAction} organisationId={orgId} className="space-y-3">
                <input type="hidden" name="requestId" value={randomUUID()} />
                <SelectField
                  name="currency"
                  label="Currency"
                  options={currencies}
                  defaultValue="USD"
                />
                <Field
                  name="amount"
                  label="Amount"
                  inputMode="decimal"
                  placeholder="10000.00"
                  required
                />
                <SubmitButton pendingLabel="Adding…">Add test funds</SubmitButton>
              </ActionForm>
            </Card>
          ) : member.mode === "live" ? (
            <Card title="Fund your live balance">
              <p className="text-sm text-slate-700">
                Live balances are funded by bank transfer to your provider account; deposits appear
                here once they settle.
              </p>
              {instructions.length === 0 ? (
                <p className="mt-2 text-sm text-slate-600">
                  Connect a provider (Developers → Providers) to see where to send funds.
                </p>
              ) : (
                <ul className="mt-3 space-y-3 text-sm">
                  {instructions.map((i) => (
                    <li key={`${i.provider}-${i.currency}`}>
                      <p className="font-medium">
                        {i.currency} · {i.method}
                      </p>
                      <dl className="text-slate-700">
                        {i.fields.map((f) => (
                          <div key={f.label} className="flex gap-2">
                            <dt className="text-slate-500">{f.label}:</dt>
                            <dd>{f.value}</dd>
                          </div>
                        ))}
                      </dl>
                    </li>
                  ))}
                </ul>
              )}
            </Card>
          ) : null}
          {can(member.role, "funding.thresholds") ? (
            <Card title="Low-balance alert">
              <ActionForm action={setThresholdAction} organisationId={orgId} className="space-y-3">
                <SelectField
                  name="currency"
                  label="Currency"
                  options={currencies}
                  defaultValue="USD"
                />
                <Field
                  name="threshold"
                  label="Alert when available falls below"
                  inputMode="decimal"
                  placeholder="1000.00"
                  hint="Leave empty to remove the alert. balance.low fires below it, and before a campaign would run short."
                />
                <SubmitButton pendingLabel="Saving…">Save alert</SubmitButton>
              </ActionForm>
              {balances.some((b) => b.threshold !== null) ? (
                <ul className="mt-4 space-y-1 text-sm text-slate-700">
                  {balances
                    .filter((b) => b.threshold !== null)
                    .map((b) => (
                      <li key={b.currency}>
                        {b.currency}: below{" "}
                        {formatMajorAmount(b.threshold ?? 0n, b.currency as Currency)}
                      </li>
                    ))}
                </ul>
              ) : null}
            </Card>
          ) : null}
        </div>
      </div>
    </>
  );
}
