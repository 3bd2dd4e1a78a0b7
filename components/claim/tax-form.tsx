"use client";

import { zodResolver } from "@hookform/resolvers/zod";
import { useState, useTransition } from "react";
import { type FieldErrors, useForm } from "react-hook-form";
import type { z } from "zod";
import { type TaxFormKind, taxFormSchemaFor } from "@/lib/tax/forms";
import type { ConfirmState } from "./form-state";
import { errorText, inputField, primaryButton } from "./styles";

/** One question of the form; `showIf` names a checkbox that reveals it (the treaty claim). */
export type TaxField = {
  name: string;
  kind: "text" | "select" | "radio" | "checkbox" | "date";
  label: string;
  hint?: string;
  options?: { value: string; label: string }[];
  autoComplete?: string;
  inputMode?: "text" | "numeric";
  showIf?: string;
  /** Fields under one heading (Part I, address, certification). */
  group: string;
};

export type TaxFormCopy = {
  groups: Record<string, string>;
  certification: string;
  signatureNote: string;
  submit: string;
  submitting: string;
  fixErrors: Record<string, string>;
  invalid: string;
  /** Message key from the schema (`tax.errors.ssn_invalid`) → message. */
  errors: Record<string, string>;
};

type Values = Record<string, string | boolean | undefined>;

/**
 * Form W-9 or W-8BEN. The same zod schema validates here (at once, in the recipient's
 * language) and on the server, which alone files the form: the TIN travels once, in the
 * server action's request, and is sealed before it is stored.
 */
export function TaxForm(props: {
  kind: TaxFormKind;
  fields: TaxField[];
  defaults: Values;
  copy: TaxFormCopy;
  submit: (values: Values) => Promise<ConfirmState>;
}) {
  const { fields, copy } = props;
  const form = useForm<Values>({
    resolver: zodResolver(taxFormSchemaFor(props.kind) as unknown as z.ZodType<Values, Values>),
    defaultValues: props.defaults,
    mode: "onSubmit",
    reValidateMode: "onChange",
  });
  const [notice, setNotice] = useState<string | null>(null);
  const [saving, startSaving] = useTransition();
  const errors: FieldErrors<Values> = form.formState.errors;
  const visible = (field: TaxField) => !field.showIf || Boolean(form.watch(field.showIf));
  const errorCount = fields.filter((f) => visible(f) && errors[f.name]).length;
  const message = (key: unknown) =>
    typeof key === "string" ? (copy.errors[key] ?? copy.invalid) : undefined;

  const onValid = (values: Values) =>
    startSaving(async () => {
      const result = await props.submit(values);
      if (result?.fieldErrors) {
        for (const [path, text] of Object.entries(result.fieldErrors)) {
          form.setError(path || "name", { type: "server", message: text }, { shouldFocus: true });
        }
      } else if (result?.message) {
        setNotice(result.message);
      }
    });

  const groups = [...new Set(fields.map((f) => f.group))];
  return (
    <form noValidate className="flex flex-col gap-6" onSubmit={form.handleSubmit(onValid)}>
      <p role="alert" className={errorText}>
        {errorCount > 0 ? copy.fixErrors[String(Math.min(errorCount, 4))] : notice}
      </p>
      {groups.map((group) => (
        <fieldset key={group} className="flex flex-col gap-4">
          <legend className="mb-2 text-lg font-semibold text-slate-900">
            {copy.groups[group]}
          </legend>
          {group === "certification" ? (
            <p className="text-sm text-slate-800">{copy.certification}</p>
          ) : null}
          {fields
            .filter((f) => f.group === group && visible(f))
            .map((field) => {
              const raw = errors[field.name]?.message;
              const error =
                errors[field.name]?.type === "server" ? (raw as string | undefined) : message(raw);
              const hintId = field.hint ? `${field.name}-hint` : undefined;
              const errorId = error ? `${field.name}-error` : undefined;
              const describedBy = [hintId, errorId].filter(Boolean).join(" ") || undefined;
              const hint = field.hint ? (
                <p id={hintId} className="text-sm text-slate-700">
                  {field.hint}
                </p>
              ) : null;
              const errorLine = error ? (
                <p id={errorId} className={errorText}>
                  {error}
                </p>
              ) : null;
              if (field.kind === "checkbox") {
                return (
                  <div key={field.name} className="flex flex-col gap-1">
                    <label className="flex min-h-11 items-start gap-3">
                      <input
                        type="checkbox"
                        aria-invalid={Boolean(error)}
                        aria-describedby={describedBy}
                        className="mt-1 size-5 shrink-0 accent-(--claim-primary-text)"
                        {...form.register(field.name)}
                      />
                      <span className="font-medium text-slate-900">{field.label}</span>
                    </label>
                    {hint}
                    {errorLine}
                  </div>
                );
              }
              if (field.kind === "radio") {
                return (
                  <fieldset
                    key={field.name}
                    aria-describedby={describedBy}
                    className="flex flex-col gap-2"
                  >
                    <legend className="mb-1 font-medium text-slate-900">{field.label}</legend>
                    {hint}
                    {field.options?.map((option) => (
                      <label
                        key={option.value}
                        className="flex min-h-12 items-center gap-3 rounded-lg border border-slate-300 px-3 has-checked:border-(--claim-primary-text) has-checked:bg-slate-50"
                      >
                        <input
                          type="radio"
                          value={option.value}
                          aria-invalid={Boolean(error)}
                          className="size-5 accent-(--claim-primary-text)"
                          {...form.register(field.name)}
                        />
                        <span>{option.label}</span>
                      </label>
                    ))}
                    {errorLine}
                  </fieldset>
                );
              }
              return (
                <div key={field.name} className="flex flex-col gap-1">
                  <label htmlFor={field.name} className="font-medium text-slate-900">
                    {field.label}
                  </label>
                  {hint}
                  {field.kind === "select" ? (
                    <select
                      id={field.name}
                      aria-invalid={Boolean(error)}
                      aria-describedby={describedBy}
                      className={inputField}
                      {...form.register(field.name)}
                    >
                      <option value="" />
                      {field.options?.map((option) => (
                        <option key={option.value} value={option.value}>
                          {option.label}
                        </option>
                      ))}
                    </select>
                  ) : (
                    <input
                      id={field.name}
                      type={field.kind}
                      inputMode={field.inputMode}
                      autoComplete={field.autoComplete ?? "off"}
                      autoCorrect="off"
                      spellCheck={false}
                      aria-invalid={Boolean(error)}
                      aria-describedby={describedBy}
                      className={inputField}
                      {...form.register(field.name, {
                        // Optional fields left blank are absent, not "" (the schema says why).
                        setValueAs: (v: unknown) => (v === "" ? undefined : v),
                      })}
                    />
                  )}
                  {errorLine}
                </div>
              );
            })}
          {group === "certification" ? (
            <p className="text-sm text-slate-700">{copy.signatureNote}</p>
          ) : null}
        </fieldset>
      ))}
      <button type="submit" className={primaryButton} disabled={saving}>
        {saving ? copy.submitting : copy.submit}
      </button>
    </form>
  );
}
