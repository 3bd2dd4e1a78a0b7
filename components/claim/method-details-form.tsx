"use client";

import { zodResolver } from "@hookform/resolvers/zod";
import { useEffect, useRef, useState, useTransition } from "react";
import { type FieldErrors, useForm } from "react-hook-form";
import type { z } from "zod";
import { detailsSchemaFor } from "@/lib/methods/method-details";
import type { MethodId } from "@/lib/methods/types";
import type { ConfirmState } from "./form-state";
import type { FieldSpec } from "./method-fields";
import { errorText, inputField, primaryButton, secondaryButton, textLink } from "./styles";

export type DetailsField = FieldSpec & {
  label: string;
  hint?: string;
  optionLabels?: Record<string, string>;
  defaultValue?: string;
};

/** Every string the form shows, translated on the server so the client ships no i18n runtime. */
export type DetailsCopy = {
  heading: string;
  continue: string;
  otherMethod: string;
  invalid: string;
  fixErrors: Record<string, string>;
  reviewHeading: string;
  reviewIntro: string;
  amountLabel: string;
  methodLabel: string;
  edit: string;
  confirm: string;
  confirming: string;
  /** Message key from the method's schema (`errors.iban_invalid`) → message. */
  errors: Record<string, string>;
};

type Values = Record<string, string>;

/**
 * Details, then review, then confirm. The method's own zod schema validates in the
 * browser (instant feedback) and again on the server (the one that counts).
 */
export function MethodDetailsForm(props: {
  method: MethodId;
  methodName: string;
  country: string;
  amount: string;
  /** A fee the recipient bears and what they receive, shown before they confirm. */
  feeLines?: { label: string; value: string }[];
  fields: DetailsField[];
  copy: DetailsCopy;
  backHref: string;
  confirm: (details: Values) => Promise<ConfirmState>;
}) {
  const { fields, copy } = props;
  const form = useForm<Values>({
    // The method's schema takes unknown input by design (it is also the API's parser).
    resolver: zodResolver(
      detailsSchemaFor(props.method, props.country) as z.ZodType<Values, Values>,
    ),
    defaultValues: Object.fromEntries(fields.map((f) => [f.name, f.defaultValue ?? ""])),
    mode: "onSubmit",
    reValidateMode: "onChange",
  });
  const [review, setReview] = useState<Values | null>(null);
  const [notice, setNotice] = useState<string | null>(null);
  const [confirming, startConfirm] = useTransition();
  const reviewHeading = useRef<HTMLHeadingElement>(null);

  useEffect(() => {
    if (review) reviewHeading.current?.focus();
  }, [review]);

  const message = (key: string | undefined) =>
    key ? (copy.errors[key] ?? copy.invalid) : undefined;
  const errors: FieldErrors<Values> = form.formState.errors;
  const errorCount = fields.filter((f) => errors[f.name]).length;

  const confirm = () =>
    startConfirm(async () => {
      if (!review) return;
      const result = await props.confirm(review);
      if (result?.fieldErrors) {
        setReview(null);
        for (const [path, text] of Object.entries(result.fieldErrors)) {
          form.setError(
            path || (fields[0]?.name ?? "root"),
            { type: "server", message: text },
            { shouldFocus: true },
          );
        }
      } else if (result?.message) {
        setNotice(result.message);
      }
    });

  if (review) {
    return (
      <section aria-labelledby="review-heading" className="flex flex-col gap-4">
        <h1
          id="review-heading"
          ref={reviewHeading}
          tabIndex={-1}
          className="text-2xl font-bold text-slate-900 focus:outline-none"
        >
          {copy.reviewHeading}
        </h1>
        <p className="text-slate-800">{copy.reviewIntro}</p>
        <dl className="flex flex-col gap-3 rounded-lg border border-slate-200 px-4 py-3">
          <div>
            <dt className="text-sm text-slate-700">{copy.amountLabel}</dt>
            <dd className="text-lg font-semibold">{props.amount}</dd>
          </div>
          {props.feeLines?.map((line) => (
            <div key={line.label}>
              <dt className="text-sm text-slate-700">{line.label}</dt>
              <dd className="font-medium">{line.value}</dd>
            </div>
          ))}
          <div>
            <dt className="text-sm text-slate-700">{copy.methodLabel}</dt>
            <dd className="font-medium">{props.methodName}</dd>
          </div>
          {fields.map((field) => (
            <div key={field.name}>
              <dt className="text-sm text-slate-700">{field.label}</dt>
              <dd className="break-all font-medium">
                {field.optionLabels
                  ? field.optionLabels[review[field.name] ?? ""]
                  : review[field.name]}
              </dd>
            </div>
          ))}
        </dl>
        <p role="alert" className={errorText}>
          {notice}
        </p>
        <button type="button" className={primaryButton} onClick={confirm} disabled={confirming}>
          {confirming ? copy.confirming : copy.confirm}
        </button>
        <button
          type="button"
          className={secondaryButton}
          onClick={() => setReview(null)}
          disabled={confirming}
        >
          {copy.edit}
        </button>
      </section>
    );
  }

  return (
    <section aria-labelledby="details-heading" className="flex flex-col gap-4">
      <h1 id="details-heading" className="text-2xl font-bold text-slate-900">
        {copy.heading}
      </h1>
      <form
        noValidate
        className="flex flex-col gap-5"
        onSubmit={form.handleSubmit(() => setReview(form.getValues()))}
      >
        <p role="alert" className={errorText}>
          {errorCount > 0 ? copy.fixErrors[String(Math.min(errorCount, 4))] : null}
        </p>
        {fields.map((field) => {
          const error = message(errors[field.name]?.message);
          const hintId = field.hint ? `${field.name}-hint` : undefined;
          const errorId = error ? `${field.name}-error` : undefined;
          const describedBy = [hintId, errorId].filter(Boolean).join(" ") || undefined;
          if (field.kind === "choice") {
            return (
              <fieldset
                key={field.name}
                aria-describedby={describedBy}
                className="flex flex-col gap-2"
              >
                <legend className="mb-1 font-medium text-slate-900">{field.label}</legend>
                {field.hint ? (
                  <p id={hintId} className="text-sm text-slate-700">
                    {field.hint}
                  </p>
                ) : null}
                {field.options?.map((value) => (
                  <label
                    key={value}
                    className="flex min-h-12 items-center gap-3 rounded-lg border border-slate-300 px-3 has-checked:border-(--claim-primary-text) has-checked:bg-slate-50 has-focus-visible:outline-3 has-focus-visible:outline-offset-1 has-focus-visible:outline-(--claim-primary-text)"
                  >
                    <input
                      type="radio"
                      value={value}
                      aria-invalid={Boolean(error)}
                      className="size-5 accent-(--claim-primary-text)"
                      {...form.register(field.name)}
                    />
                    <span>{field.optionLabels?.[value] ?? value}</span>
                  </label>
                ))}
                {error ? (
                  <p id={errorId} className={errorText}>
                    {error}
                  </p>
                ) : null}
              </fieldset>
            );
          }
          return (
            <div key={field.name} className="flex flex-col gap-1">
              <label htmlFor={field.name} className="font-medium text-slate-900">
                {field.label}
              </label>
              {field.hint ? (
                <p id={hintId} className="text-sm text-slate-700">
                  {field.hint}
                </p>
              ) : null}
              <input
                id={field.name}
                type={field.kind}
                inputMode={field.inputMode}
                autoComplete={field.autoComplete}
                autoCapitalize={field.autoCapitalize}
                autoCorrect="off"
                spellCheck={false}
                aria-invalid={Boolean(error)}
                aria-describedby={describedBy}
                className={inputField}
                {...form.register(field.name)}
              />
              {error ? (
                <p id={errorId} className={errorText}>
                  {error}
                </p>
              ) : null}
            </div>
          );
        })}
        <button type="submit" className={primaryButton}>
          {copy.continue}
        </button>
      </form>
      <a href={props.backHref} className={`${textLink} self-start`}>
        {copy.otherMethod}
      </a>
    </section>
  );
}
