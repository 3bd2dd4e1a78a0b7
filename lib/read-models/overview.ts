import { and, sql } from "drizzle-orm";
import type { DbOrTx } from "@/db/client";
import { balanceThresholds, type PayoutStatus } from "@/db/schema";
import { type Scope, tenantWhere } from "@/db/scope";
import { countryName } from "@/lib/claims/claim-format";
import { getBalances } from "@/lib/ledger";
import { findMethod } from "@/lib/methods/catalog";
import { formatMoney } from "@/lib/money";

export type BalanceWithThreshold = {
  currency: string;
  available: bigint;
  reserved: bigint;
  inTransit: bigint;
  paidOut: bigint;
  threshold: bigint | null;
  /** `available` is below the organisation's low-balance threshold for the currency. */
  low: boolean;
};

export async function balancesWithThresholds(
  db: DbOrTx,
  scope: Scope,
): Promise<BalanceWithThreshold[]> {
  const [balances, thresholds] = await Promise.all([
    getBalances(db, scope),
    db
      .select({ currency: balanceThresholds.currency, amount: balanceThresholds.amount })
      .from(balanceThresholds)
      .where(and(tenantWhere(balanceThresholds, scope))),
  ]);
  const byCurrency = new Map(thresholds.map((t) => [t.currency, t.amount]));
  const rows: BalanceWithThreshold[] = balances.map((b) => {
    const threshold = byCurrency.get(b.currency) ?? null;
    return {
      currency: b.currency,
      available: b.available,
      reserved: b.reserved,
      inTransit: b.inTransit,
      paidOut: b.paidOut,
      threshold,
      low: threshold !== null && b.available < threshold,
    };
  });
  // A threshold set before the first deposit still shows, as an empty, low balance.
  for (const [currency, threshold] of byCurrency) {
    if (!rows.some((r) => r.currency === currency)) {
      rows.push({
        currency,
        available: 0n,
        reserved: 0n,
        inTransit: 0n,
        paidOut: 0n,
        threshold,
        low: threshold > 0n,
      });
    }
  }
  return rows.sort((a, b) => a.currency.localeCompare(b.currency));
}

export type StatusCount = { status: PayoutStatus; count: number };

export async function payoutsByStatus(
  db: DbOrTx,
  scope: Scope,
  since: Date,
): Promise<StatusCount[]> {
  const rows = await db.execute<{ status: PayoutStatus; count: string }>(sql`
    select status, count(*)::text as count from payouts
    where organisation_id = ${scope.organisationId} and mode = ${scope.mode}
      and created_at >= ${since.toISOString()}
    group by status order by count(*) desc`);
  return rows.map((r) => ({ status: r.status, count: Number(r.count) }));
}

export type VolumeRow = { key: string; currency: string; count: number; amount: bigint };

/** Paid volume grouped by method or by recipient country, per currency. */
export async function paidVolume(
  db: DbOrTx,
  scope: Scope,
  by: "method" | "country",
  since: Date,
): Promise<VolumeRow[]> {
  const key = by === "method" ? sql`coalesce(p.method, 'unknown')` : sql`r.country`;
  const rows = await db.execute<{
    key: string;
    currency: string;
    count: string;
    amount: string;
  }>(sql`
    select ${key} as key, p.currency, count(*)::text as count, sum(p.amount)::text as amount
    from payouts p join recipients r on r.id = p.recipient_id
    where p.organisation_id = ${scope.organisationId} and p.mode = ${scope.mode}
      and p.status = 'paid' and p.paid_at >= ${since.toISOString()}
    group by 1, 2 order by sum(p.amount) desc limit 50`);
  return rows.map((r) => ({
    key: r.key,
    currency: r.currency,
    count: Number(r.count),
    amount: BigInt(r.amount),
  }));
}

/** One bar of a chart: its length (`value`) and the words printed beside it (`display`). */
export type BarDatum = { name: string; value: number; display: string };

export type CurrencyVolume = {
  currency: string;
  total: bigint;
  count: number;
  /** The largest groups, for the chart. */
  bars: BarDatum[];
  /** Every group, for the table under the chart. */
  rows: { name: string; count: number; amount: bigint }[];
};

/** What a person calls a volume row's key: the method's name, the country's name. */
export function volumeName(by: "method" | "country", key: string): string {
  if (by === "country") return countryName(key, "en");
  return findMethod(key)?.name ?? (key === "unknown" ? "Unknown method" : key);
}

/**
 * Paid volume as a finance lead reads it: one panel per currency (amounts in different
 * currencies never share an axis, so a small EUR total is not a sliver beside a large
 * USD one), groups named for people, each bar labelled with its formatted amount. The
 * bar's length is the amount in minor units as a number: geometry only, every figure a
 * person reads is formatted from the bigint.
 */
export function volumeByCurrency(
  rows: VolumeRow[],
  by: "method" | "country",
  bars = 8,
): CurrencyVolume[] {
  const byCurrency = new Map<string, VolumeRow[]>();
  for (const row of rows)
    byCurrency.set(row.currency, [...(byCurrency.get(row.currency) ?? []), row]);
  return [...byCurrency.entries()]
    .sort(([a], [b]) => a.localeCompare(b))
    .map(([currency, group]) => {
      const sorted = [...group].sort((a, b) =>
        a.amount === b.amount ? a.key.localeCompare(b.key) : a.amount > b.amount ? -1 : 1,
      );
      const named = sorted.map((r) => ({
        name: volumeName(by, r.key),
        count: r.count,
        amount: r.amount,
      }));
      return {
        currency,
        total: group.reduce((sum, r) => sum + r.amount, 0n),
        count: group.reduce((sum, r) => sum + r.count, 0),
        bars: named.slice(0, bars).map((r) => ({
          name: r.name,
          value: Number(r.amount),
          display: formatMoney({ amount: r.amount, currency }),
        })),
        rows: named,
      };
    });
}

export type TimeToRewardPoint = {
  /** UTC day, YYYY-MM-DD. */
  day: string;
  paid: number;
  /** Hours from creation to paid. */
  medianHours: number;
  p90Hours: number;
};

/**
 * How long people wait for their money: per day of payment, the median and 90th
 * percentile of created → paid. Durations are shown, never summed, so floats are fine.
 */
export async function timeToReward(
  db: DbOrTx,
  scope: Scope,
  since: Date,
): Promise<{
  points: TimeToRewardPoint[];
  overall: { medianHours: number; p90Hours: number; paid: number } | null;
}> {
  const hours = sql`extract(epoch from (paid_at - created_at)) / 3600.0`;
  const where = sql`organisation_id = ${scope.organisationId} and mode = ${scope.mode}
      and status in ('paid', 'returned') and paid_at is not null and paid_at >= ${since.toISOString()}`;
  const [points, overall] = await Promise.all([
    db.execute<{ day: string; paid: string; median: number; p90: number }>(sql`
      select to_char(date_trunc('day', paid_at at time zone 'UTC'), 'YYYY-MM-DD') as day,
        count(*)::text as paid,
        percentile_cont(0.5) within group (order by ${hours}) as median,
        percentile_cont(0.9) within group (order by ${hours}) as p90
      from payouts where ${where}
      group by 1 order by 1`),
    db.execute<{ paid: string; median: number | null; p90: number | null }>(sql`
      select count(*)::text as paid,
        percentile_cont(0.5) within group (order by ${hours}) as median,
        percentile_cont(0.9) within group (order by ${hours}) as p90
      from payouts where ${where}`),
  ]);
  const total = overall[0];
  return {
    points: points.map((p) => ({
      day: p.day,
      paid: Number(p.paid),
      medianHours: Number(p.median),
      p90Hours: Number(p.p90),
    })),
    overall:
      total && Number(total.paid) > 0
        ? {
            paid: Number(total.paid),
            medianHours: Number(total.median),
            p90Hours: Number(total.p90),
          }
        : null,
  };
}

export type DurationUnit = { name: "seconds" | "minutes" | "hours" | "days"; perHour: number };

const durationUnits: DurationUnit[] = [
  { name: "seconds", perHour: 3600 },
  { name: "minutes", perHour: 60 },
  { name: "hours", perHour: 1 },
  { name: "days", perHour: 1 / 24 },
];

/**
 * The unit that suits durations up to `maxHours`: the largest in which the longest of
 * them is at least 2, so a sandbox paying in seconds does not plot as a flat line at
 * "0.0 h" and a month-long wait does not plot in thousands of hours.
 */
export function durationUnitFor(maxHours: number): DurationUnit {
  const fits = [...durationUnits].reverse().find((u) => maxHours * u.perHour >= 2);
  return fits ?? (durationUnits[0] as DurationUnit);
}

/** The time-to-reward chart's series, in the unit that suits its longest p90. */
export function timeToRewardSeries(points: TimeToRewardPoint[]) {
  const unit = durationUnitFor(Math.max(0, ...points.map((p) => p.p90Hours)));
  const inUnit = (hours: number) => Math.round(hours * unit.perHour * 10) / 10;
  return {
    unit: unit.name,
    data: points.map((p) => ({
      day: p.day,
      paid: p.paid,
      median: inUnit(p.medianHours),
      p90: inUnit(p.p90Hours),
    })),
  };
}

/** A duration as people say it: "40 s", "2.5 min", "12 min", "3.5 h", "2.1 days". */
export function formatDuration(hours: number): string {
  const seconds = hours * 3600;
  if (seconds < 60) return `${Math.round(seconds)} s`;
  if (seconds < 600) return `${(seconds / 60).toFixed(1)} min`;
  if (hours < 1) return `${Math.round(seconds / 60)} min`;
  if (hours < 48) return `${hours.toFixed(1)} h`;
  return `${(hours / 24).toFixed(1)} days`;
}
