import { formatMoney } from "@/lib/money";
import type { TimelineEntry } from "@/lib/read-models/payout-detail";
import { StatusBadge } from "./status-badge";
import { Time } from "./time";

const dot: Record<TimelineEntry["kind"], string> = {
  transition: "bg-indigo-600",
  ledger: "bg-emerald-600",
  email: "bg-sky-600",
  webhook: "bg-violet-600",
  link: "bg-amber-500",
  audit: "bg-slate-500",
  provider: "bg-teal-600",
};

const label: Record<TimelineEntry["kind"], string> = {
  transition: "State",
  ledger: "Ledger",
  email: "Email",
  webhook: "Webhook",
  link: "Claim link",
  audit: "Admin action",
  provider: "Provider",
};

function Body({ entry }: { entry: TimelineEntry }) {
  switch (entry.kind) {
    case "transition":
      return (
        <span className="flex flex-wrap items-center gap-1">
          {entry.from ? <StatusBadge status={entry.from} /> : <span>created as</span>}
          {entry.from ? (
            <>
              <span aria-hidden>→</span>
              <span className="sr-only">to</span>
            </>
          ) : null}
          <StatusBadge status={entry.to} />
          {entry.reason ? <span className="text-slate-600">· {entry.reason}</span> : null}
          {entry.actor ? <span className="text-slate-500">· by {entry.actor}</span> : null}
        </span>
      );
    case "ledger":
      return (
        <span>
          {formatMoney({ amount: entry.transfer.amount, currency: entry.transfer.currency })}{" "}
          {entry.transfer.from} → {entry.transfer.to}
          <span className="text-slate-500">
            {" "}
            · {entry.transfer.phase} · {entry.transfer.id}
          </span>
        </span>
      );
    case "provider":
      return (
        <span>
          {entry.provider} · submission {entry.attempt}
          {entry.position > 0 ? ` · failover ${entry.position}` : ""} · {entry.status} ·{" "}
          {formatMoney({ amount: entry.amount, currency: entry.currency })}
          {entry.reference ? <span className="text-slate-500"> · {entry.reference}</span> : null}
          {entry.failureCode ? <span className="text-red-700"> · {entry.failureCode}</span> : null}
        </span>
      );
    case "email":
      return (
        <span>
          “{entry.subject}” to {entry.to}
          <span className="text-slate-500">
            {" "}
            · {entry.emailKind} · {entry.sentAt ? "sent over SMTP" : "stored (dev mailbox)"}
          </span>
        </span>
      );
    case "webhook":
      return (
        <span>
          {entry.eventType} → {entry.url} · attempt {entry.attempt} ·{" "}
          <span
            className={entry.status && entry.status < 300 ? "text-emerald-800" : "text-red-700"}
          >
            {entry.status ?? entry.error ?? "no response"}
          </span>
          <span className="text-slate-500"> · {entry.durationMs} ms</span>
        </span>
      );
    case "link":
      return (
        <span>
          {entry.event === "issued" ? "Issued" : "Revoked"} {entry.linkId}
          {entry.event === "issued" ? (
            <span className="text-slate-500">
              {" "}
              · expires {entry.expiresAt.toISOString().slice(0, 10)}
            </span>
          ) : null}
        </span>
      );
    case "audit":
      return (
        <span>
          {entry.action} by {entry.actor}
          {entry.after ? (
            <span className="text-slate-500"> · {JSON.stringify(entry.after)}</span>
          ) : null}
        </span>
      );
  }
}

export function PayoutTimeline({ entries }: { entries: TimelineEntry[] }) {
  return (
    <ol
      className="relative space-y-3 border-l border-slate-200 pl-5"
      aria-label="Timeline, oldest first"
    >
      {entries.map((entry) => (
        <li key={entry.key} data-kind={entry.kind} className="relative text-sm">
          <span
            aria-hidden
            className={`absolute top-1.5 -left-[25px] h-2.5 w-2.5 rounded-full ${dot[entry.kind]}`}
          />
          <div className="flex flex-wrap items-baseline gap-x-2 text-xs text-slate-500">
            <Time at={entry.at} />
            <span className="font-semibold uppercase tracking-wide">{label[entry.kind]}</span>
          </div>
          <div className="mt-0.5 break-words text-slate-800">
            <Body entry={entry} />
          </div>
        </li>
      ))}
    </ol>
  );
}
