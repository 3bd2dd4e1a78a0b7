import type { Metadata } from "next";
import Link from "next/link";
import { EmptyState, PageHeader } from "@/components/dashboard/page-header";
import { SelectField } from "@/components/dashboard/select-field";
import { Time } from "@/components/dashboard/time";
import { db } from "@/db/client";
import { listAuditActions, listAuditEntries } from "@/lib/audit/queries";
import { listMembers } from "@/lib/auth/members";
import { requirePageMember } from "../../_lib/member";

export const metadata: Metadata = { title: "Audit log" };

const filterInput =
  "mt-1 block w-full rounded-md border border-slate-300 bg-white px-2 py-1.5 text-sm";

function Json({ value }: { value: unknown }) {
  if (value === null || value === undefined) return <span className="text-slate-400">—</span>;
  return (
    <pre className="max-w-md overflow-auto text-xs whitespace-pre-wrap break-all">
      {JSON.stringify(value, null, 1)}
    </pre>
  );
}

export default async function AuditPage({
  searchParams,
}: {
  searchParams: Promise<Record<string, string | undefined>>;
}) {
  const member = await requirePageMember("audit.view");
  const q = await searchParams;
  const mode = q.mode === "test" || q.mode === "live" ? q.mode : undefined;
  const after = q.after && /^\d+$/.test(q.after) ? BigInt(q.after) : undefined;
  const day = (v: string | undefined, end: boolean) =>
    v && /^\d{4}-\d{2}-\d{2}$/.test(v)
      ? new Date(`${v}T${end ? "23:59:59.999" : "00:00:00"}Z`)
      : undefined;
  const [page, actions, members] = await Promise.all([
    listAuditEntries(db, member.organisation.id, {
      mode,
      action: q.action || undefined,
      actorId: q.actor || undefined,
      targetId: q.target?.trim() || undefined,
      from: day(q.from, false),
      to: day(q.to, true),
      limit: 50,
      startingAfter: after,
    }),
    listAuditActions(db, member.organisation.id),
    listMembers(db, member.organisation.id),
  ]);
  const next = new URLSearchParams(
    Object.entries({ ...q, after: page.data.at(-1)?.seq.toString() }).filter(
      (e): e is [string, string] => Boolean(e[1]),
    ),
  );
  return (
    <>
      <PageHeader
        title="Audit log"
        description="Every admin action: who, what, when, and what it changed. Entries can never be edited or deleted."
      />
      <form className="mb-4 grid grid-cols-2 gap-3 rounded-xl border border-slate-200 bg-white p-4 shadow-sm md:grid-cols-3 xl:grid-cols-6">
        <SelectField
          name="action"
          label="Action"
          size="filter"
          options={[
            ...[...new Set(actions.map((a) => `${a.split(".")[0]}.`))].map((family) => ({
              value: family,
              label: `${family}*`,
            })),
            ...actions,
          ]}
          emptyOption="Any"
          defaultValue={q.action ?? ""}
        />
        <SelectField
          name="actor"
          label="Who"
          size="filter"
          options={members.map((m) => ({ value: m.userId, label: m.email ?? "" }))}
          emptyOption="Anyone"
          defaultValue={q.actor ?? ""}
        />
        <label className="text-xs font-medium text-slate-600">
          Target id
          <input
            name="target"
            defaultValue={q.target ?? ""}
            placeholder="po_…, bat_…"
            className={filterInput}
          />
        </label>
        <SelectField
          name="mode"
          label="Mode"
          size="filter"
          options={["test", "live"]}
          emptyOption="Both"
          defaultValue={mode ?? ""}
        />
        <label className="text-xs font-medium text-slate-600">
          From
          <input type="date" name="from" defaultValue={q.from ?? ""} className={filterInput} />
        </label>
        <label className="text-xs font-medium text-slate-600">
          To
          <input type="date" name="to" defaultValue={q.to ?? ""} className={filterInput} />
        </label>
        <div className="col-span-full">
          <button
            type="submit"
            className="rounded-md bg-indigo-600 px-4 py-2 text-sm font-medium text-white"
          >
            Filter
          </button>
        </div>
      </form>
      {page.data.length === 0 ? (
        <EmptyState>No entries match.</EmptyState>
      ) : (
        <div className="overflow-x-auto rounded-xl border border-slate-200 bg-white shadow-sm">
          <table className="w-full text-sm" data-testid="audit-log">
            <thead className="bg-slate-50 text-left text-slate-600">
              <tr>
                <th scope="col" className="px-3 py-2 font-medium">
                  When
                </th>
                <th scope="col" className="px-3 py-2 font-medium">
                  Who
                </th>
                <th scope="col" className="px-3 py-2 font-medium">
                  What
                </th>
                <th scope="col" className="px-3 py-2 font-medium">
                  Target
                </th>
                <th scope="col" className="px-3 py-2 font-medium">
                  Before
                </th>
                <th scope="col" className="px-3 py-2 font-medium">
                  After
                </th>
              </tr>
            </thead>
            <tbody>
              {page.data.map((e) => (
                <tr key={e.id} className="border-t border-slate-100 align-top">
                  <td className="px-3 py-2 text-slate-600">
                    <Time at={e.createdAt} /> <span className="text-xs">{e.mode}</span>
                  </td>
                  <td className="px-3 py-2">{e.actorLabel ?? e.actorId}</td>
                  <td className="px-3 py-2 font-mono text-xs">{e.action}</td>
                  <td className="px-3 py-2 font-mono text-xs">
                    {e.targetType === "payout" && e.targetId ? (
                      <Link
                        className="text-indigo-700 underline"
                        href={`/dashboard/payouts/${e.targetId}`}
                      >
                        {e.targetId}
                      </Link>
                    ) : e.targetType === "batch" && e.targetId ? (
                      <Link
                        className="text-indigo-700 underline"
                        href={`/dashboard/campaigns/${e.targetId}`}
                      >
                        {e.targetId}
                      </Link>
                    ) : (
                      `${e.targetType}${e.targetId ? ` ${e.targetId}` : ""}`
                    )}
                  </td>
                  <td className="px-3 py-2">
                    <Json value={e.before} />
                  </td>
                  <td className="px-3 py-2">
                    <Json value={e.after} />
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
      {page.hasMore ? (
        <p className="mt-4 text-right">
          <Link
            href={`/dashboard/audit?${next}`}
            className="text-sm font-medium text-indigo-700 underline"
          >
            Older entries →
          </Link>
        </p>
      ) : null}
    </>
  );
}
