"use client";

import { useRouter } from "next/navigation";
import { useEffect, useState } from "react";

type Progress = { status: string; progress: number };

/**
 * A report's progress bar: polls while the report is pending or running, and refreshes
 * the page once it is finished so its download links (signed on the server) appear.
 */
export function ReportProgress({
  reportId,
  organisationId,
  initial,
}: {
  reportId: string;
  organisationId: string;
  initial: Progress;
}) {
  const router = useRouter();
  const [state, setState] = useState(initial);
  const finished = state.status === "ready" || state.status === "failed";

  useEffect(() => {
    if (finished) return;
    let stopped = false;
    const timer = setInterval(async () => {
      try {
        const response = await fetch(
          `/dashboard/reports/${reportId}/progress?organisationId=${encodeURIComponent(organisationId)}`,
          { cache: "no-store" },
        );
        if (!response.ok || stopped) return;
        const next = (await response.json()) as Progress;
        setState(next);
        if (next.status === "ready" || next.status === "failed") router.refresh();
      } catch {
        // A missed poll is retried on the next tick.
      }
    }, 1000);
    return () => {
      stopped = true;
      clearInterval(timer);
    };
  }, [reportId, organisationId, finished, router]);

  return (
    <div className="min-w-32">
      <div
        role="progressbar"
        aria-label="Report progress"
        aria-valuemin={0}
        aria-valuemax={100}
        aria-valuenow={state.progress}
        className="h-2 overflow-hidden rounded-full bg-slate-200"
      >
        <div
          className={`h-full ${state.status === "failed" ? "bg-red-600" : "bg-indigo-600"}`}
          style={{ width: `${state.progress}%` }}
        />
      </div>
      <span className="text-xs tabular-nums text-slate-600">{state.progress}%</span>
    </div>
  );
}
