"use client";

import { useActionState, useEffect, useRef } from "react";
import type { FormNotice } from "./form-state";
import { errorText, inputField, primaryButton, secondaryButton } from "./styles";

export type VerifyLabels = {
  codeLabel: string;
  codeHint: string;
  submit: string;
  submitting: string;
  resend: string;
};

/**
 * The code step. Errors are tied to the field (aria-describedby) and announced; the
 * field takes focus back after a wrong code so the next try is one keystroke away.
 */
export function VerifyCodeForm({
  submitCode,
  resendCode,
  labels,
}: {
  submitCode: (previous: FormNotice, form: FormData) => Promise<FormNotice>;
  resendCode: (previous: FormNotice) => Promise<FormNotice>;
  labels: VerifyLabels;
}) {
  const [verdict, verify, verifying] = useActionState(submitCode, null);
  const [resent, resend, resending] = useActionState(resendCode, null);
  const input = useRef<HTMLInputElement>(null);

  useEffect(() => {
    if (verdict?.tone === "error") input.current?.select();
  }, [verdict]);

  const invalid = verdict?.tone === "error";
  return (
    <div className="flex flex-col gap-4">
      <form action={verify} className="flex flex-col gap-3" noValidate>
        <div className="flex flex-col gap-1">
          <label htmlFor="code" className="font-medium text-slate-900">
            {labels.codeLabel}
          </label>
          <p id="code-hint" className="text-sm text-slate-700">
            {labels.codeHint}
          </p>
          <input
            ref={input}
            id="code"
            name="code"
            type="text"
            inputMode="numeric"
            autoComplete="one-time-code"
            pattern="[0-9]*"
            maxLength={6}
            required
            aria-invalid={invalid}
            aria-describedby={invalid ? "code-hint code-error" : "code-hint"}
            className={`${inputField} text-center font-mono text-2xl tracking-[0.4em]`}
          />
          <p key={verdict?.at} id="code-error" role="alert" className={errorText}>
            {invalid ? verdict.message : null}
          </p>
        </div>
        <button type="submit" className={primaryButton} disabled={verifying}>
          {verifying ? labels.submitting : labels.submit}
        </button>
      </form>
      <form action={resend} className="flex flex-col gap-2">
        <button type="submit" className={secondaryButton} disabled={resending}>
          {labels.resend}
        </button>
        <p
          key={resent?.at}
          role="status"
          className={resent?.tone === "error" ? errorText : "text-sm text-slate-800"}
        >
          {resent?.message ?? null}
        </p>
      </form>
    </div>
  );
}
