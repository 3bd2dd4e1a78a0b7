import type { Metadata } from "next";
import Link from "next/link";
import { Money } from "@/components/dashboard/money";
import { EmptyState, PageHeader } from "@/components/dashboard/page-header";
import { StatusBadge } from "@/components/dashboard/status-badge";
import { Time } from "@/components/dashboard/time";
import { db } from "@/db/client";
import { can } from "@/lib/auth/permissions";
import { listCampaigns, type Tally } from "@/lib/read-models/campaigns";
import { requirePageMember } from "../../_lib/member";

export const metadata: Metadata = { title: "Campaigns" };

/** Columns a phone does without: the name cell repeats status, count and total under it. */
const wide = "hidden sm:table-cell";

export default async function CampaignsPage({
  searchParams,
}: {
  searchParams: Promise<{ after?: string }>;
}) {
  const member = await requirePageMember("campaigns.view");
  const { after } = await searchParams;
  const { data, hasMore } = await listCampaigns(db, member.scope, {
    limit: 50,
    startingAfter: after,
  });
  return (
    <>
      <PageHeader
        title="Campaigns"
        description="Pay many people at once, from a CSV or a form."
        actions={
          can(member.role, "campaigns.create") ? (
            <Link
              href="/dashboard/campaigns/new"
              className="rounded-md bg-indigo-600 px-4 py-2 text-sm font-medium text-white shadow-sm hover:bg-indigo-700"
            >
              New campaign
            </Link>
          ) : null
        }
      />
      {data.length === 0 ? (
        <EmptyState>No campaigns in {member.mode} mode yet.</EmptyState>
      ) : (
        <div className="overflow-x-auto rounded-xl border border-slate-200 bg-white shadow-sm">
          <table className="w-full text-sm">
            <thead className="bg-slate-50 text-left text-slate-600">
              <tr>
                <th scope="col" className="px-4 py-2 font-medium">
                  Name
                </th>
                <th scope="col" className={`${wide} px-4 py-2 font-medium`}>
                  Status
                </th>
                <th scope="col" className={`${wide} px-4 py-2 text-right font-medium`}>
                  Payouts
                </th>
                <th scope="col" className="px-4 py-2 text-right font-medium">
                  Claimed
                </th>
                <th scope="col" className="px-4 py-2 text-right font-medium">
                  Paid
                </th>
                <th scope="col" className={`${wide} px-4 py-2 text-right font-medium`}>
                  Total
                </th>
                <th scope="col" className={`${wide} px-4 py-2 font-medium`}>
                  Created
                </th>
              </tr>
            </thead>
            <tbody>
              {data.map(({ batch: b, figures, displayStatus }) => (
                <tr key={b.id} className="border-t border-slate-100 hover:bg-slate-50">
                  <td className="px-4 py-2">
                    <Link
                      href={`/dashboard/campaigns/${b.id}`}
                      className="font-medium text-indigo-700 hover:underline"
                    >
                      {b.name}
                    </Link>
                    <span className="mt-1 block text-xs text-slate-500 sm:hidden">
                      <StatusBadge status={displayStatus} /> {b.itemCount.toLocaleString("en-US")}{" "}
                      payouts · <Money amount={b.totalAmount} currency={b.currency} />
                    </span>
                  </td>
                  <td className={`${wide} px-4 py-2`}>
                    <StatusBadge status={displayStatus} />
                  </td>
                  <td className={`${wide} px-4 py-2 text-right tabular-nums`}>
                    {b.itemCount.toLocaleString("en-US")}
                  </td>
                  <td className="px-4 py-2 text-right">
                    <TallyCell tally={figures.claimed} currency={b.currency} />
                  </td>
                  <td className="px-4 py-2 text-right">
                    <TallyCell tally={figures.paid} currency={b.currency} />
                  </td>
                  <td className={`${wide} px-4 py-2 text-right`}>
                    <Money amount={b.totalAmount} currency={b.currency} />
                  </td>
                  <td className={`${wide} px-4 py-2 text-slate-600`}>
                    <Time at={b.createdAt} />
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
      {hasMore ? (
        <p className="mt-4 text-right">
          <Link
            href={`/dashboard/campaigns?after=${data.at(-1)?.batch.id}`}
            className="text-sm font-medium text-indigo-700 underline"
          >
            Older campaigns →
          </Link>
        </p>
      ) : null}
    </>
  );
}

/** A count with its amount under it, e.g. "12" over "$150.00". */
function TallyCell({ tally, currency }: { tally: Tally; currency: string }) {
  return (
    <span className="inline-flex flex-col items-end leading-tight">
      <span className="tabular-nums">{tally.count.toLocaleString("en-US")}</span>
      <span className="text-xs text-slate-500">
        <Money amount={tally.amount} currency={currency} />
      </span>
    </span>
  );
}
