import type { TimelineEntry } from "@/lib/read-models/payout-detail";
import { timelineWords } from "@/lib/read-models/timeline-words";
import { Time } from "./time";

const dot: Record<TimelineEntry["kind"], string> = {
  transition: "bg-indigo-600",
  ledger: "bg-emerald-600",
  email: "bg-sky-600",
  webhook: "bg-violet-600",
  link: "bg-amber-500",
  claim: "bg-rose-600",
  audit: "bg-slate-500",
  provider: "bg-teal-600",
};

const label: Record<TimelineEntry["kind"], string> = {
  transition: "Status",
  ledger: "Money",
  email: "Email",
  webhook: "Webhook",
  link: "Claim link",
  claim: "Claim page",
  audit: "Team",
  provider: "Provider",
};

/** The payout's history, oldest first, one sentence per entry (lib/read-models/timeline-words). */
export function PayoutTimeline({
  entries,
  currency,
}: {
  entries: TimelineEntry[];
  currency: string;
}) {
  return (
    <ol
      className="relative space-y-3 border-l border-slate-200 pl-5"
      aria-label="Timeline, oldest first"
    >
      {entries.map((entry) => {
        const words = timelineWords(entry, currency);
        return (
          <li key={entry.key} data-kind={entry.kind} className="relative text-sm">
            <span
              aria-hidden
              className={`absolute top-1.5 -left-[25px] h-2.5 w-2.5 rounded-full ${dot[entry.kind]}`}
            />
            <div className="flex flex-wrap items-baseline gap-x-2 text-xs text-slate-500">
              <Time at={entry.at} />
              <span className="font-semibold uppercase tracking-wide">{label[entry.kind]}</span>
            </div>
            <p className="mt-0.5 break-words text-slate-800" data-testid="timeline-sentence">
              {words.text}
            </p>
            {words.detail ? (
              <p className="break-words text-xs text-slate-500">{words.detail}</p>
            ) : null}
          </li>
        );
      })}
    </ol>
  );
}
