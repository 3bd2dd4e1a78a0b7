"use client";

import { useState } from "react";
import { ActionForm, Field, SubmitButton } from "./action-form";
import type { ActionState } from "./action-state";

type ServerAction = (state: ActionState, form: FormData) => Promise<ActionState>;

const select = "mt-1 block w-full rounded-md border border-slate-300 bg-white px-3 py-2 text-sm";

export type ReportTypeOption = { value: string; label: string; fields: string[] };

/** One form for every report type; it shows the chosen type's fields only. */
export function ReportRequestForm({
  action,
  types,
  statuses,
  currencies,
  campaigns,
  defaultYear,
}: {
  action: ServerAction;
  types: ReportTypeOption[];
  statuses: string[];
  currencies: string[];
  campaigns: { id: string; name: string }[];
  defaultYear: number;
}) {
  const [type, setType] = useState(types[0]?.value ?? "payouts");
  const fields = new Set(types.find((t) => t.value === type)?.fields ?? []);
  const today = new Date().toISOString().slice(0, 10);
  const yearStart = `${defaultYear}-01-01`;
  return (
    <ActionForm action={action} className="space-y-3" resetOnSuccess={false}>
      <label className="block text-sm font-medium text-slate-700">
        Report
        <select
          name="type"
          value={type}
          onChange={(e) => setType(e.target.value)}
          className={select}
        >
          {types.map((t) => (
            <option key={t.value} value={t.value}>
              {t.label}
            </option>
          ))}
        </select>
      </label>
      {fields.has("from") ? (
        <div className="grid grid-cols-2 gap-3">
          <Field name="from" label="From" type="date" defaultValue={yearStart} />
          <Field name="to" label="To (exclusive)" type="date" defaultValue={today} />
        </div>
      ) : null}
      {fields.has("status") ? (
        <label className="block text-sm font-medium text-slate-700">
          Status
          <select name="status" defaultValue="" className={select}>
            <option value="">Any</option>
            {statuses.map((s) => (
              <option key={s} value={s}>
                {s.replace(/_/g, " ")}
              </option>
            ))}
          </select>
        </label>
      ) : null}
      {fields.has("batch_id") ? (
        <label className="block text-sm font-medium text-slate-700">
          Campaign
          <select name="batch_id" defaultValue="" className={select}>
            <option value="">Any</option>
            {campaigns.map((c) => (
              <option key={c.id} value={c.id}>
                {c.name}
              </option>
            ))}
          </select>
        </label>
      ) : null}
      {fields.has("currency") ? (
        <label className="block text-sm font-medium text-slate-700">
          Currency
          <select name="currency" defaultValue="" className={select}>
            <option value="">Any</option>
            {currencies.map((c) => (
              <option key={c} value={c}>
                {c}
              </option>
            ))}
          </select>
        </label>
      ) : null}
      {fields.has("tax_year") ? (
        <Field
          name="tax_year"
          label="Tax year"
          inputMode="numeric"
          defaultValue={String(defaultYear)}
        />
      ) : null}
      {fields.has("recipient_id") ? (
        <Field name="recipient_id" label="Recipient id" placeholder="rcp_…" />
      ) : null}
      <SubmitButton pendingLabel="Requesting…">Generate report</SubmitButton>
    </ActionForm>
  );
}
