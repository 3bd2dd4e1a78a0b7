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
        <FilterSelect
          name="status"
          label="Status"
          options={statuses.map((s) => ({ value: s, label: s.replace(/_/g, " ") }))}
        />
      ) : null}
      {fields.has("batch_id") ? (
        <FilterSelect
          name="batch_id"
          label="Campaign"
          options={campaigns.map((c) => ({ value: c.id, label: c.name }))}
        />
      ) : null}
      {fields.has("currency") ? (
        <FilterSelect
          name="currency"
          label="Currency"
          options={currencies.map((c) => ({ value: c, label: c }))}
        />
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

/** A report filter: "Any" or one of the options. */
function FilterSelect({
  name,
  label,
  options,
}: {
  name: string;
  label: string;
  options: { value: string; label: string }[];
}) {
  return (
    <label className="block text-sm font-medium text-slate-700">
      {label}
      <select name={name} defaultValue="" className={select}>
        <option value="">Any</option>
        {options.map((o) => (
          <option key={o.value} value={o.value}>
            {o.label}
          </option>
        ))}
      </select>
    </label>
  );
}
