"use client";

import { useEffect, useState } from "react";
import { primaryButton } from "./styles";

type Status =
  | "claimed"
  | "processing"
  | "paid"
  | "failed"
  | "returned"
  | "canceled"
  | (string & {});

export type StatusCopy = {
  heading: string;
  progress: string;
  steps: [string, string, string];
  messages: Record<"claimed" | "processing" | "paid" | "failed" | "returned" | "canceled", string>;
  receipt: string;
  chooseAnother: string;
  checking: string;
};

const terminal = new Set<Status>(["paid", "failed", "returned", "canceled", "expired"]);
const stepOf: Record<string, number> = { claimed: 1, processing: 1, paid: 3 };

/**
 * Polls the payout until it settles: every 2 s for the first minute (a sandbox or
 * instant rail pays in seconds), then every 10 s. Each change is announced politely; a
 * failure is announced at once and offers the way back to choosing another method.
 */
export function ClaimStatus({
  initial,
  liveUrl,
  methodsHref,
  copy,
}: {
  initial: Status;
  liveUrl: string;
  methodsHref: string;
  copy: StatusCopy;
}) {
  const [status, setStatus] = useState<Status>(initial);

  useEffect(() => {
    if (terminal.has(status)) return;
    const started = Date.now();
    let timer: ReturnType<typeof setTimeout>;
    let stopped = false;
    const poll = async () => {
      try {
        const response = await fetch(liveUrl, { cache: "no-store" });
        if (response.ok) {
          const body = (await response.json()) as { status: Status };
          if (!stopped && body.status !== status) {
            setStatus(body.status);
            return;
          }
        }
      } catch {
        // A dropped connection on a phone is normal; the next poll tries again.
      }
      if (!stopped) timer = setTimeout(poll, Date.now() - started < 60_000 ? 2000 : 10_000);
    };
    timer = setTimeout(poll, 1500);
    return () => {
      stopped = true;
      clearTimeout(timer);
    };
  }, [status, liveUrl]);

  const failed = status === "failed" || status === "returned";
  const message = copy.messages[status as keyof StatusCopy["messages"]] ?? copy.checking;
  const current = stepOf[status] ?? -1;
  return (
    <section aria-labelledby="status-heading" className="flex flex-col gap-5">
      <h1 id="status-heading" className="text-2xl font-bold text-slate-900">
        {copy.heading}
      </h1>
      {failed ? (
        <div
          role="alert"
          className="flex flex-col gap-3 rounded-lg border border-red-300 bg-red-50 px-4 py-4 text-red-950"
        >
          <p className="font-semibold">{message}</p>
        </div>
      ) : (
        <div role="status" aria-live="polite" className="flex flex-col gap-2">
          <p
            className={
              status === "paid" ? "text-lg font-semibold text-green-900" : "text-lg text-slate-900"
            }
          >
            {message}
          </p>
          {status === "paid" ? <p className="text-slate-800">{copy.receipt}</p> : null}
        </div>
      )}
      {failed ? (
        <a href={methodsHref} className={primaryButton}>
          {copy.chooseAnother}
        </a>
      ) : (
        <ol aria-label={copy.progress} className="flex flex-col gap-3">
          {copy.steps.map((label, index) => {
            const done = index < current;
            const active = index === current;
            return (
              <li
                key={label}
                aria-current={active ? "step" : undefined}
                className="flex items-center gap-3"
              >
                <span
                  aria-hidden="true"
                  className={`flex size-8 items-center justify-center rounded-full border-2 text-sm font-bold ${
                    done
                      ? "border-green-800 bg-green-800 text-white"
                      : active
                        ? "border-(--claim-primary-text) text-(--claim-primary-text)"
                        : "border-slate-400 text-slate-600"
                  }`}
                >
                  {done ? "✓" : index + 1}
                </span>
                <span className={done || active ? "font-medium text-slate-900" : "text-slate-700"}>
                  {label}
                </span>
              </li>
            );
          })}
        </ol>
      )}
    </section>
  );
}
