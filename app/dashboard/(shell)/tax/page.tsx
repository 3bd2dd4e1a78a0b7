import type { Metadata } from "next";
import { ActionForm, Field, SubmitButton } from "@/components/dashboard/action-form";
import { Money } from "@/components/dashboard/money";
import { Card, EmptyState, PageHeader } from "@/components/dashboard/page-header";
import { Time } from "@/components/dashboard/time";
import { db } from "@/db/client";
import { can } from "@/lib/auth/permissions";
import { formatMajorAmount } from "@/lib/decimal-amount";
import type { Currency } from "@/lib/money";
import { payeesMissingTaxForms } from "@/lib/read-models/tax";
import { maskTin } from "@/lib/tax/forms";
import { reportingThresholds, ruleForReport, taxSettingsOf } from "@/lib/tax/rules";
import { countTaxForms, listTaxForms } from "@/lib/tax/tax-forms";
import { requirePageMember } from "../../_lib/member";
import { updateTaxSettingsAction } from "./actions";

export const metadata: Metadata = { title: "Tax" };

const formName = { w9: "W-9", w8ben: "W-8BEN" } as Record<string, string>;

export default async function TaxPage() {
  const member = await requirePageMember("tax.view");
  const year = new Date().getUTCFullYear();
  const [settings, forms, formCount, missing, nec, dac7] = await Promise.all([
    taxSettingsOf(db, member.organisation.id),
    listTaxForms(db, member.scope, { limit: 100 }),
    countTaxForms(db, member.scope),
    payeesMissingTaxForms(db, member.scope, { year }),
    ruleForReport(db, "1099-NEC", year),
    ruleForReport(db, "DAC7", year),
  ]);
  const necThresholds = nec ? reportingThresholds(nec, settings) : null;
  const dac7Thresholds = dac7 ? reportingThresholds(dac7, settings) : null;
  const major = (amount: string | undefined, currency: string) =>
    amount ? formatMajorAmount(BigInt(amount), currency as Currency) : "";
  return (
    <>
      <PageHeader
        title="Tax"
        description={`Tax forms your payees certified in the claim, and who still owes one for ${year}. Taxpayer ids are sealed at rest and shown masked; only the 1099-NEC and DAC7 exports contain them.`}
      />
      <div className="grid gap-6 xl:grid-cols-3">
        <div className="space-y-6 xl:col-span-2">
          <Card title={`Payees missing a form (${missing.length})`}>
            {missing.length === 0 ? (
              <EmptyState>Every payee who needs a tax form has one on file.</EmptyState>
            ) : (
              <table className="w-full text-sm" data-testid="missing-forms">
                <thead className="text-left text-slate-600">
                  <tr>
                    <th className="py-1 font-medium">Payee</th>
                    <th className="py-1 font-medium">Needs</th>
                    <th className="py-1 text-right font-medium">Counted {year}</th>
                    <th className="py-1 text-right font-medium">Held payouts</th>
                  </tr>
                </thead>
                <tbody>
                  {missing.map((payee) => (
                    <tr
                      key={`${payee.recipientId}-${payee.reportForm}`}
                      className="border-t border-slate-100"
                    >
                      <td className="py-2">
                        <p className="font-medium">{payee.name ?? payee.email}</p>
                        <p className="text-xs text-slate-600">
                          {payee.email} · {payee.country}
                        </p>
                      </td>
                      <td className="py-2">
                        {formName[payee.form]} for {payee.reportForm}
                      </td>
                      <td className="py-2 text-right">
                        <Money amount={payee.counted} currency={payee.currency} />
                      </td>
                      <td className="py-2 text-right tabular-nums">{payee.held}</td>
                    </tr>
                  ))}
                </tbody>
              </table>
            )}
          </Card>
          <Card title={`Forms on file (${formCount})`}>
            {forms.length === 0 ? (
              <EmptyState>No tax forms in {member.mode} mode yet.</EmptyState>
            ) : (
              <table className="w-full text-sm" data-testid="tax-forms">
                <thead className="text-left text-slate-600">
                  <tr>
                    <th className="py-1 font-medium">Payee</th>
                    <th className="py-1 font-medium">Form</th>
                    <th className="py-1 font-medium">TIN</th>
                    <th className="py-1 font-medium">Signed</th>
                  </tr>
                </thead>
                <tbody>
                  {forms.map((form) => (
                    <tr key={form.id} className="border-t border-slate-100">
                      <td className="py-2">
                        <p className="font-medium">{form.name}</p>
                        <p className="text-xs text-slate-600">
                          {form.recipientEmail} · {form.country}
                        </p>
                      </td>
                      <td className="py-2">{form.formVersion}</td>
                      <td className="py-2 font-mono">{form.tin}</td>
                      <td className="py-2">
                        <Time at={form.signedAt} />
                        <p className="text-xs text-slate-600">as “{form.signatureName}”</p>
                      </td>
                    </tr>
                  ))}
                </tbody>
              </table>
            )}
          </Card>
        </div>
        <Card title="Payer and thresholds">
          <dl className="mb-4 space-y-1 text-sm text-slate-700">
            <div>
              1099-NEC {year}:{" "}
              {nec && necThresholds ? (
                <Money amount={necThresholds.amount} currency={nec.currency} />
              ) : (
                "no rule"
              )}
              {nec
                ? ` (rule: ${major(nec.amountThreshold.toString(), nec.currency)} ${nec.currency})`
                : null}
            </div>
            <div>
              DAC7 {year}:{" "}
              {dac7 && dac7Thresholds ? (
                <>
                  <Money amount={dac7Thresholds.amount} currency={dac7.currency} /> or{" "}
                  {dac7Thresholds.count} payouts
                </>
              ) : (
                "no rule"
              )}
            </div>
          </dl>
          {can(member.role, "tax.manage") ? (
            <ActionForm action={updateTaxSettingsAction} className="space-y-3">
              <Field
                name="legalName"
                label="Payer legal name"
                defaultValue={settings.legalName ?? ""}
              />
              <Field
                name="ein"
                label="Payer EIN"
                hint={`On file: ${maskTin("ein", settings.tinLast4)}. Leave empty to keep it.`}
                autoComplete="off"
              />
              <Field
                name="addressLine1"
                label="Address"
                defaultValue={settings.address?.line1 ?? ""}
              />
              <Field
                name="addressLine2"
                label="Address line 2"
                defaultValue={settings.address?.line2 ?? ""}
              />
              <div className="grid grid-cols-2 gap-3">
                <Field name="city" label="City" defaultValue={settings.address?.city ?? ""} />
                <Field name="region" label="State" defaultValue={settings.address?.region ?? ""} />
                <Field
                  name="postalCode"
                  label="ZIP"
                  defaultValue={settings.address?.postalCode ?? ""}
                />
                <Field
                  name="country"
                  label="Country"
                  defaultValue={settings.address?.country ?? "US"}
                />
              </div>
              <Field name="phone" label="Phone" defaultValue={settings.phone ?? ""} />
              <Field
                name="collectPercent"
                label="Ask for tax details at (% of a threshold)"
                inputMode="numeric"
                defaultValue={String(settings.collectPercent)}
                hint="100 asks when a payout reaches the threshold; 80 asks earlier, near it."
              />
              <Field
                name="nec1099Amount"
                label="Lower 1099-NEC threshold (USD)"
                inputMode="decimal"
                defaultValue={major(settings.thresholds["1099-NEC"]?.amount, "USD")}
                hint="Optional; never above the IRS's."
              />
              <div className="grid grid-cols-2 gap-3">
                <Field
                  name="dac7Amount"
                  label="Lower DAC7 amount (EUR)"
                  inputMode="decimal"
                  defaultValue={major(settings.thresholds.DAC7?.amount, "EUR")}
                />
                <Field
                  name="dac7Count"
                  label="Lower DAC7 count"
                  inputMode="numeric"
                  defaultValue={settings.thresholds.DAC7?.count?.toString() ?? ""}
                />
              </div>
              <label className="flex items-start gap-2 text-sm text-slate-700">
                <input
                  type="checkbox"
                  name="apiTaxReports"
                  defaultChecked={settings.apiTaxReports}
                  className="mt-1"
                />
                Let API keys request the 1099-NEC and DAC7 reports (they contain taxpayer ids)
              </label>
              <SubmitButton pendingLabel="Saving…">Save tax settings</SubmitButton>
            </ActionForm>
          ) : null}
        </Card>
      </div>
    </>
  );
}
