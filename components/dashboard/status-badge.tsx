const tones: Record<string, string> = {
  pending: "bg-slate-100 text-slate-800",
  awaiting_review: "bg-amber-100 text-amber-900",
  awaiting_approval: "bg-amber-100 text-amber-900",
  sending: "bg-violet-100 text-violet-900",
  sent: "bg-sky-100 text-sky-900",
  claimable: "bg-sky-100 text-sky-900",
  claimed: "bg-indigo-100 text-indigo-900",
  processing: "bg-violet-100 text-violet-900",
  paid: "bg-emerald-100 text-emerald-900",
  completed: "bg-emerald-100 text-emerald-900",
  failed: "bg-red-100 text-red-900",
  returned: "bg-red-100 text-red-900",
  expired: "bg-slate-200 text-slate-800",
  canceled: "bg-slate-200 text-slate-800",
  awaiting_tax_info: "bg-amber-100 text-amber-900",
  running: "bg-violet-100 text-violet-900",
  ready: "bg-emerald-100 text-emerald-900",
};

export function StatusBadge({ status }: { status: string }) {
  return (
    <span
      className={`inline-flex rounded-full px-2 py-0.5 text-xs font-medium whitespace-nowrap ${tones[status] ?? "bg-slate-100 text-slate-800"}`}
    >
      {status.replace(/_/g, " ")}
    </span>
  );
}
