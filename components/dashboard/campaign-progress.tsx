"use client";

import { useRouter } from "next/navigation";
import { useEffect, useState } from "react";

type Progress = { status: string; total: number; fannedOut: number; percent: number };

/**
 * The fan-out progress bar: polls while the campaign is processing, and refreshes the
 * page once the batch has left `processing`, so its status, counts and books update. The
 * last payout leaves `pending` a moment before the batch is completed; stopping at 100%
 * would leave the page saying "sending" under a full bar.
 */
export function FanOutProgress({
  batchId,
  organisationId,
  initial,
}: {
  batchId: string;
  organisationId: string;
  initial: Progress;
}) {
  const router = useRouter();
  const [progress, setProgress] = useState(initial);
  const done = progress.percent >= 100 || progress.status === "canceled";
  const waiting = progress.status === "awaiting_approval";
  const polling = progress.status === "processing";

  useEffect(() => {
    if (!polling) return;
    let stopped = false;
    const tick = async () => {
      try {
        const response = await fetch(
          `/dashboard/campaigns/${batchId}/progress?organisationId=${encodeURIComponent(organisationId)}`,
          { cache: "no-store" },
        );
        if (response.ok && !stopped) {
          const next = (await response.json()) as Progress;
          setProgress(next);
          if (next.status !== "processing") router.refresh();
        }
      } catch {
        // A missed poll is retried on the next tick.
      }
    };
    const timer = setInterval(tick, 1000);
    return () => {
      stopped = true;
      clearInterval(timer);
    };
  }, [batchId, organisationId, polling, router]);

  return (
    <div>
      <div className="flex items-baseline justify-between text-sm">
        <span className="font-medium text-slate-800">
          {waiting ? "Waiting for approval" : done ? "Fan-out complete" : "Sending links…"}
        </span>
        <span className="tabular-nums text-slate-600">
          {progress.fannedOut.toLocaleString("en-US")} / {progress.total.toLocaleString("en-US")}
        </span>
      </div>
      <div
        role="progressbar"
        aria-label="Campaign fan-out"
        aria-valuemin={0}
        aria-valuemax={100}
        aria-valuenow={progress.percent}
        aria-valuetext={`${progress.percent}%`}
        className="mt-2 h-3 w-full overflow-hidden rounded-full bg-slate-200"
      >
        <div
          className={`h-full rounded-full transition-all ${done ? "bg-emerald-600" : "bg-indigo-600"}`}
          style={{ width: `${progress.percent}%` }}
        />
      </div>
      <p
        className="mt-1 text-right text-xs font-medium text-slate-700"
        data-testid="progress-percent"
      >
        {progress.percent}%
      </p>
    </div>
  );
}
