import { and, sql } from "drizzle-orm";
import type { DbOrTx } from "@/db/client";
import { balanceThresholds, type PayoutStatus } from "@/db/schema";
import { type Scope, tenantWhere } from "@/db/scope";
import { getBalances } from "@/lib/ledger";

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
