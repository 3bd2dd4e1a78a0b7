import type { Metadata } from "next";
import Link from "next/link";
import { LabelledBars, TimeToRewardChart } from "@/components/dashboard/charts";
import { Money } from "@/components/dashboard/money";
import { Card, EmptyState, PageHeader } from "@/components/dashboard/page-header";
import { db } from "@/db/client";
import { can } from "@/lib/auth/permissions";
import { formatMoney } from "@/lib/money";
import {
  balancesWithThresholds,
  type CurrencyVolume,
  formatDuration,
  paidVolume,
  payoutsByStatus,
  timeToReward,
  timeToRewardSeries,
  volumeByCurrency,
} from "@/lib/read-models/overview";
import { requirePageMember } from "../_lib/member";

export const metadata: Metadata = { title: "Overview" };

const DAYS = 30;

export default async function OverviewPage() {
  const member = await requirePageMember("dashboard.view");
  const since = new Date(Date.now() - DAYS * 86_400_000);
  const showMoney = can(member.role, "funding.view");
  const [balances, statuses, byMethod, byCountry, ttr] = await Promise.all([
    showMoney ? balancesWithThresholds(db, member.scope) : Promise.resolve([]),
    payoutsByStatus(db, member.scope, since),
    paidVolume(db, member.scope, "method", since),
    paidVolume(db, member.scope, "country", since),
    timeToReward(db, member.scope, since),
  ]);

  return (
    <>
      <PageHeader
        title="Overview"
        description={`${member.organisation.name} · last ${DAYS} days`}
      />
      {showMoney ? (
        <section aria-labelledby="balances-heading" className="mb-6">
          <h2 id="balances-heading" className="sr-only">
            Balances
          </h2>
          {balances.length === 0 ? (
            <EmptyState>
              No balance yet.{" "}
              <Link className="font-medium text-indigo-700 underline" href="/dashboard/funding">
                Fund your account
              </Link>{" "}
              to start paying.
            </EmptyState>
          ) : (
            <div className="grid gap-4 sm:grid-cols-2 xl:grid-cols-3">
              {balances.map((b) => (
                <div
                  key={b.currency}
                  data-testid={`balance-${b.currency}`}
                  className={`rounded-xl border bg-white p-5 shadow-sm ${b.low ? "border-red-300" : "border-slate-200"}`}
                >
                  <div className="flex items-center justify-between">
                    <p className="text-sm font-medium text-slate-600">{b.currency} available</p>
                    {b.low ? (
                      <span className="rounded-full bg-red-100 px-2 py-0.5 text-xs font-semibold text-red-800">
                        Low balance
                      </span>
                    ) : null}
                  </div>
                  <p className="mt-1 text-2xl font-semibold text-slate-900">
                    <Money amount={b.available} currency={b.currency} />
                  </p>
                  <dl className="mt-3 grid grid-cols-3 gap-2 text-xs text-slate-600">
                    <div>
                      <dt>Reserved</dt>
                      <dd className="font-medium text-slate-800">
                        {formatMoney({ amount: b.reserved, currency: b.currency })}
                      </dd>
                    </div>
                    <div>
                      <dt>In transit</dt>
                      <dd className="font-medium text-slate-800">
                        {formatMoney({ amount: b.inTransit, currency: b.currency })}
                      </dd>
                    </div>
                    <div>
                      <dt>Paid out</dt>
                      <dd className="font-medium text-slate-800">
                        {formatMoney({ amount: b.paidOut, currency: b.currency })}
                      </dd>
                    </div>
                  </dl>
                  {b.threshold !== null ? (
                    <p className="mt-2 text-xs text-slate-500">
                      Alert below {formatMoney({ amount: b.threshold, currency: b.currency })}
                    </p>
                  ) : null}
                </div>
              ))}
            </div>
          )}
        </section>
      ) : null}

      <div className="grid items-start gap-6 xl:grid-cols-2">
        <Card title="Payouts by status">
          {statuses.length === 0 ? (
            <EmptyState>No payouts in the last {DAYS} days.</EmptyState>
          ) : (
            <LabelledBars
              label="Payouts by status"
              data={statuses.map((s) => ({
                name: s.status.replace(/_/g, " "),
                value: s.count,
                display: s.count.toLocaleString("en-US"),
              }))}
            />
          )}
        </Card>
        <Card title="Time to reward (created → paid)">
          {ttr.overall ? (
            <>
              <p className="mb-3 text-sm text-slate-700">
                Median <strong>{formatDuration(ttr.overall.medianHours)}</strong> · 90th percentile{" "}
                <strong>{formatDuration(ttr.overall.p90Hours)}</strong> ·{" "}
                {ttr.overall.paid.toLocaleString("en-US")} paid
              </p>
              <TimeToRewardChart {...timeToRewardSeries(ttr.points)} />
            </>
          ) : (
            <EmptyState>Nothing paid in the last {DAYS} days yet.</EmptyState>
          )}
        </Card>
        <VolumeCard by="method" volumes={volumeByCurrency(byMethod, "method")} />
        <VolumeCard by="country" volumes={volumeByCurrency(byCountry, "country")} />
      </div>
    </>
  );
}

function VolumeCard({ by, volumes }: { by: "method" | "country"; volumes: CurrencyVolume[] }) {
  const title = `Paid volume by ${by}`;
  const column = by === "method" ? "Method" : "Country";
  return (
    <Card title={title}>
      {volumes.length === 0 ? (
        <EmptyState>No paid payouts yet.</EmptyState>
      ) : (
        <div className="space-y-6">
          {volumes.map((v) => (
            <section key={v.currency} aria-label={`${title} in ${v.currency}`}>
              <h3 className="text-sm font-medium text-slate-700">
                {v.currency} ·{" "}
                <span className="font-semibold text-slate-900">
                  {formatMoney({ amount: v.total, currency: v.currency })}
                </span>{" "}
                in {v.count.toLocaleString("en-US")} {v.count === 1 ? "payout" : "payouts"}
              </h3>
              <LabelledBars label={`${title} in ${v.currency}`} color="#0f766e" data={v.bars} />
              <table className="mt-2 w-full text-sm">
                <thead>
                  <tr className="text-left text-slate-600">
                    <th className="py-1 font-medium">{column}</th>
                    <th className="py-1 text-right font-medium">Payouts</th>
                    <th className="py-1 text-right font-medium">Amount</th>
                  </tr>
                </thead>
                <tbody>
                  {v.rows.map((r) => (
                    <tr key={r.name} className="border-t border-slate-100">
                      <td className="py-1">{r.name}</td>
                      <td className="py-1 text-right tabular-nums">
                        {r.count.toLocaleString("en-US")}
                      </td>
                      <td className="py-1 text-right">
                        <Money amount={r.amount} currency={v.currency} />
                      </td>
                    </tr>
                  ))}
                </tbody>
              </table>
            </section>
          ))}
        </div>
      )}
    </Card>
  );
}
