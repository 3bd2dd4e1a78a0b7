"use client";

import { useState } from "react";
import { ActionForm, Field, SubmitButton } from "./action-form";
import type { ActionState } from "./action-state";
import { SelectField } from "./select-field";

type ServerAction = (state: ActionState, form: FormData) => Promise<ActionState>;

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
      <SelectField
        name="type"
        label="Report"
        options={types}
        value={type}
        onChange={(e) => setType(e.target.value)}
      />
      {fields.has("from") ? (
        <div className="grid grid-cols-2 gap-3">
          <Field name="from" label="From" type="date" defaultValue={yearStart} />
          <Field name="to" label="To (exclusive)" type="date" defaultValue={today} />
        </div>
      ) : null}
      {fields.has("status") ? (
        <SelectField
          name="status"
          label="Status"
          options={statuses.map((s) => ({ value: s, label: s.replace(/_/g, " ") }))}
          emptyOption="Any"
          defaultValue=""
        />
      ) : null}
      {fields.has("batch_id") ? (
        <SelectField
          name="batch_id"
          label="Campaign"
          options={campaigns.map((c) => ({ value: c.id, label: c.name }))}
          emptyOption="Any"
          defaultValue=""
        />
      ) : null}
      {fields.has("currency") ? (
        <SelectField
          name="currency"
          label="Currency"
          options={currencies}
          emptyOption="Any"
          defaultValue=""
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
