import type { Metadata } from "next";
import Link from "next/link";
import { Money } from "@/components/dashboard/money";
import { EmptyState, PageHeader } from "@/components/dashboard/page-header";
import { SelectField } from "@/components/dashboard/select-field";
import { StatusBadge } from "@/components/dashboard/status-badge";
import { db } from "@/db/client";
import { payoutStatuses } from "@/lib/payouts/serialize";
import {
  payoutFilterOptions,
  payoutSearchSchema,
  searchPayouts,
} from "@/lib/read-models/payout-search";
import { requirePageMember } from "../../_lib/member";

export const metadata: Metadata = { title: "Payouts" };

const filterInput =
  "mt-1 block w-full rounded-md border border-slate-300 bg-white px-2 py-1.5 text-sm text-slate-900";

export default async function PayoutsPage({
  searchParams,
}: {
  searchParams: Promise<Record<string, string | string[] | undefined>>;
}) {
  const member = await requirePageMember("payouts.view");
  const raw = Object.fromEntries(
    Object.entries(await searchParams).map(([k, v]) => [k, Array.isArray(v) ? v[0] : v]),
  );
  const parsed = payoutSearchSchema.safeParse(raw);
  const filters = parsed.success ? parsed.data : {};
  const [result, options] = await Promise.all([
    searchPayouts(db, member.scope, filters),
    payoutFilterOptions(db, member.scope),
  ]);
  const last = result.data.at(-1);
  const nextQuery = new URLSearchParams(
    Object.entries({ ...filters, after: last?.id }).filter((e): e is [string, string] =>
      Boolean(e[1]),
    ),
  );

  return (
    <>
      <PageHeader
        title="Payouts"
        description="Search by email, external id, payout id or name. Every payout, every state."
      />
      <search>
        <form className="mb-4 rounded-xl border border-slate-200 bg-white p-4 shadow-sm">
          <div className="flex gap-2">
            <label htmlFor="payout-search" className="sr-only">
              Search payouts
            </label>
            <input
              id="payout-search"
              name="q"
              type="search"
              defaultValue={filters.q ?? ""}
              placeholder="maya@example.com, creator-1001, po_…, Maya Chen"
              className="block w-full rounded-md border border-slate-300 px-3 py-2 text-sm"
            />
            <button
              type="submit"
              className="rounded-md bg-indigo-600 px-4 py-2 text-sm font-medium text-white hover:bg-indigo-700"
            >
              Search
            </button>
          </div>
          <div className="mt-3 grid grid-cols-2 gap-3 md:grid-cols-3 xl:grid-cols-6">
            <SelectField
              name="status"
              label="Status"
              size="filter"
              options={payoutStatuses.map((s) => ({ value: s, label: s.replace(/_/g, " ") }))}
              emptyOption="Any"
              defaultValue={filters.status ?? ""}
            />
            <SelectField
              name="batch"
              label="Campaign"
              size="filter"
              options={options.campaigns.map((c) => ({ value: c.id, label: c.name }))}
              emptyOption="Any"
              defaultValue={filters.batch ?? ""}
            />
            <label className="text-xs font-medium text-slate-600">
              Country
              <input
                name="country"
                defaultValue={filters.country ?? ""}
                maxLength={2}
                placeholder="US"
                className={filterInput}
              />
            </label>
            <SelectField
              name="method"
              label="Method"
              size="filter"
              options={options.methods}
              emptyOption="Any"
              defaultValue={filters.method ?? ""}
            />
            <label className="text-xs font-medium text-slate-600">
              Created from
              <input
                type="date"
                name="from"
                defaultValue={filters.from ?? ""}
                className={filterInput}
              />
            </label>
            <label className="text-xs font-medium text-slate-600">
              Created to
              <input
                type="date"
                name="to"
                defaultValue={filters.to ?? ""}
                className={filterInput}
              />
            </label>
          </div>
          {!parsed.success ? (
            <p role="alert" className="mt-3 text-sm text-red-700">
              Some filters were not understood and are ignored:{" "}
              {parsed.error.issues.map((i) => `${i.path.join(".")} (${i.message})`).join(", ")}
            </p>
          ) : null}
        </form>
      </search>

      {result.data.length === 0 ? (
        <EmptyState>No payouts match. Check the spelling, or clear a filter.</EmptyState>
      ) : (
        <div className="overflow-x-auto rounded-xl border border-slate-200 bg-white shadow-sm">
          <table className="w-full text-sm">
            <caption className="sr-only">Payouts, newest first</caption>
            <thead className="bg-slate-50 text-left text-slate-600">
              <tr>
                <th scope="col" className="px-4 py-2 font-medium">
                  Recipient
                </th>
                <th scope="col" className="px-4 py-2 font-medium">
                  Amount
                </th>
                <th scope="col" className="px-4 py-2 font-medium">
                  Status
                </th>
                <th scope="col" className="px-4 py-2 font-medium">
                  Campaign
                </th>
                <th scope="col" className="px-4 py-2 font-medium">
                  Method
                </th>
                <th scope="col" className="px-4 py-2 font-medium">
                  Created
                </th>
              </tr>
            </thead>
            <tbody>
              {result.data.map((p) => (
                <tr key={p.id} className="border-t border-slate-100 hover:bg-slate-50">
                  <td className="px-4 py-2">
                    <Link
                      href={`/dashboard/payouts/${p.id}`}
                      className="font-medium text-indigo-700 hover:underline"
                    >
                      {p.recipient.name ?? p.recipient.email}
                    </Link>
                    <div className="text-xs text-slate-500">
                      {p.recipient.email} · {p.recipient.country}
                      {p.recipient.externalId ? ` · ${p.recipient.externalId}` : ""}
                    </div>
                  </td>
                  <td className="px-4 py-2 whitespace-nowrap">
                    <Money amount={p.amount} currency={p.currency} />
                  </td>
                  <td className="px-4 py-2">
                    <StatusBadge status={p.status} />
                  </td>
                  <td className="px-4 py-2 text-slate-700">{p.batch?.name ?? "—"}</td>
                  <td className="px-4 py-2 text-slate-700">{p.method ?? "—"}</td>
                  <td className="px-4 py-2 whitespace-nowrap text-slate-600">
                    <time dateTime={p.createdAt.toISOString()}>
                      {p.createdAt.toISOString().slice(0, 16).replace("T", " ")}
                    </time>
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
      {result.hasMore ? (
        <p className="mt-4 text-right">
          <Link
            href={`/dashboard/payouts?${nextQuery}`}
            className="text-sm font-medium text-indigo-700 underline"
          >
            Older payouts →
          </Link>
        </p>
      ) : null}
    </>
  );
}
