"use client";

import { createContext, useActionState, useContext, useEffect, useRef, useState } from "react";
import type { ActionState } from "./action-state";
import { useMemberFrame } from "./member-frame";

type ServerAction = (state: ActionState, form: FormData) => Promise<ActionState>;

const FormState = createContext<{ state: ActionState; pending: boolean }>({
  state: { ok: false },
  pending: false,
});

/** The last result of the forms inside an `ActionOutcome`, and how they report one. */
const Outcome = createContext<{ state: ActionState; report: (state: ActionState) => void } | null>(
  null,
);

/**
 * Keeps the last result of any form inside it, for an `ActionOutcomeMessage` to show. An
 * action often removes its own form when the page re-renders (a canceled payout has no
 * Cancel button any more), and a message inside that form would vanish with it. Wrap the
 * page and put the message where people look after acting; forms inside report there
 * instead of under themselves.
 */
export function ActionOutcome({ children }: { children: React.ReactNode }) {
  const [state, report] = useState<ActionState>({ ok: false });
  return <Outcome.Provider value={{ state, report }}>{children}</Outcome.Provider>;
}

/** The live region showing an `ActionOutcome`'s last result. */
export function ActionOutcomeMessage() {
  const outcome = useContext(Outcome);
  return <StateMessage state={outcome?.state ?? { ok: false }} boxed />;
}

/**
 * A form bound to a dashboard server action. It always sends the organisation and mode
 * it was rendered for (so the server refuses it if either changed since), shows the
 * action's outcome in a live region, and gives fields their errors through context.
 */
export function ActionForm({
  action,
  organisationId,
  children,
  className,
  resetOnSuccess = false,
  confirmMessage,
  showMessage = true,
  secretLabel,
}: {
  action: ServerAction;
  /** Defaults to the page's organisation. */
  organisationId?: string;
  children: React.ReactNode;
  className?: string;
  resetOnSuccess?: boolean;
  confirmMessage?: string;
  showMessage?: boolean;
  /**
   * The action may return a one-time secret (a new API key, a signing secret): shown
   * under this label after the message, which says what it is and what to do with it.
   */
  secretLabel?: string;
}) {
  const outcome = useContext(Outcome);
  // Reported when the action answers, not from an effect: by the time an effect would
  // run, the re-rendered page may no longer contain this form.
  const [state, formAction, pending] = useActionState(
    async (previous: ActionState, form: FormData) => {
      const result = await action(previous, form);
      outcome?.report(result);
      return result;
    },
    { ok: false },
  );
  const frame = useMemberFrame();
  const ref = useRef<HTMLFormElement>(null);
  useEffect(() => {
    if (state.ok && resetOnSuccess && state.at) ref.current?.reset();
  }, [state, resetOnSuccess]);
  return (
    <FormState.Provider value={{ state, pending }}>
      <form
        ref={ref}
        action={formAction}
        className={className}
        noValidate
        onSubmit={(e) => {
          if (confirmMessage && !window.confirm(confirmMessage)) e.preventDefault();
        }}
      >
        <input
          type="hidden"
          name="organisationId"
          value={organisationId ?? frame?.organisationId ?? ""}
        />
        {frame ? <input type="hidden" name="mode" value={frame.mode} /> : null}
        {children}
        {showMessage && !outcome ? <FormMessage /> : null}
        {secretLabel ? <RevealedSecret label={secretLabel} /> : null}
      </form>
    </FormState.Provider>
  );
}

export function FormMessage() {
  const { state } = useContext(FormState);
  return <StateMessage state={state} />;
}

function StateMessage({ state, boxed = false }: { state: ActionState; boxed?: boolean }) {
  if (!state.message) return <p role="status" className="sr-only" />;
  const tone = state.ok
    ? `text-emerald-800${boxed ? " border-emerald-200 bg-emerald-50" : ""}`
    : `text-red-700${boxed ? " border-red-200 bg-red-50" : ""}`;
  return (
    <p
      role={state.ok ? "status" : "alert"}
      className={`text-sm ${boxed ? "mb-4 rounded-md border px-3 py-2 font-medium" : "mt-3"} ${tone}`}
    >
      {state.message}
    </p>
  );
}

/** The error the last submission of the surrounding `ActionForm` gave this field, if any. */
export function useFieldError(name: string): string | undefined {
  return useContext(FormState).state.fieldErrors?.[name];
}

export function FieldError({ name }: { name: string }) {
  const message = useFieldError(name);
  if (!message) return null;
  return (
    <p id={`${name}-error`} className="mt-1 text-sm text-red-700">
      {message}
    </p>
  );
}

export function SubmitButton({
  children,
  pendingLabel,
  variant = "primary",
  name,
  value,
}: {
  children: React.ReactNode;
  pendingLabel?: string;
  variant?: "primary" | "secondary" | "danger";
  name?: string;
  value?: string;
}) {
  const { pending } = useContext(FormState);
  const styles = {
    primary: "bg-indigo-600 text-white hover:bg-indigo-700",
    secondary: "border border-slate-300 bg-white text-slate-800 hover:bg-slate-50",
    danger: "bg-red-700 text-white hover:bg-red-800",
  }[variant];
  return (
    <button
      type="submit"
      name={name}
      value={value}
      disabled={pending}
      className={`rounded-md px-3 py-2 text-sm font-medium shadow-sm focus:outline-none focus-visible:ring-2 focus-visible:ring-indigo-600 focus-visible:ring-offset-2 disabled:opacity-60 ${styles}`}
    >
      {pending && pendingLabel ? pendingLabel : children}
    </button>
  );
}

/** A labelled input whose error comes from the form's last result. */
export function Field({
  name,
  label,
  hint,
  ...input
}: { name: string; label: string; hint?: string } & React.InputHTMLAttributes<HTMLInputElement>) {
  const error = useFieldError(name);
  const id = input.id ?? `field-${name}`;
  return (
    <div>
      <label htmlFor={id} className="block text-sm font-medium text-slate-700">
        {label}
      </label>
      <input
        id={id}
        name={name}
        aria-invalid={error ? true : undefined}
        aria-describedby={
          [error ? `${name}-error` : null, hint ? `${id}-hint` : null].filter(Boolean).join(" ") ||
          undefined
        }
        className="mt-1 block w-full rounded-md border border-slate-300 px-3 py-2 text-sm text-slate-900 shadow-sm focus:border-indigo-600 focus:outline-none focus:ring-2 focus:ring-indigo-600/30"
        {...input}
      />
      {hint ? (
        <p id={`${id}-hint`} className="mt-1 text-xs text-slate-500">
          {hint}
        </p>
      ) : null}
      <FieldError name={name} />
    </div>
  );
}

/** The one-time secret an action returned (a new API key), with a copy button. */
function RevealedSecret({ label }: { label: string }) {
  const { state } = useContext(FormState);
  if (!state.ok || !state.secret) return null;
  return (
    <div className="mt-4 rounded-md border border-amber-300 bg-amber-50 p-3">
      <p className="text-sm font-medium text-amber-900">{label}</p>
      <div className="mt-2 flex items-center gap-2">
        <code
          data-testid="revealed-secret"
          className="min-w-0 flex-1 break-all rounded bg-white px-2 py-1 text-sm"
        >
          {state.secret}
        </code>
        <button
          type="button"
          onClick={() => navigator.clipboard?.writeText(state.secret ?? "")}
          className="rounded border border-slate-300 bg-white px-2 py-1 text-sm"
        >
          Copy
        </button>
      </div>
    </div>
  );
}
