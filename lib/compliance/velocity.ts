import { sql } from "drizzle-orm";
import type { DbOrTx } from "@/db/client";
import type { Scope } from "@/db/scope";
import type { Finding, VelocityCode } from "./findings";
import type { ComplianceSettings } from "./settings";

type Row = {
  id: string;
  currency: string;
  recipient_day_amount: string;
  recipient_day_count: string;
  recipient_month_amount: string;
  recipient_month_count: string;
};

/**
 * The velocity limits each payout breaks, counting it with the recipient's (and the
 * organisation's) earlier payouts of the same UTC day or month, in creation order, that
 * were not canceled or left to expire: the payout that crosses a limit is held, the
 * ones before it pass. Nothing is read when no limit is set.
 */
export async function velocityFindings(
  db: DbOrTx,
  scope: Scope,
  payoutIds: string[],
  settings: ComplianceSettings,
): Promise<Map<string, Finding[]>> {
  const out = new Map<string, Finding[]>();
  const add = (id: string, f: Finding) => out.set(id, [...(out.get(id) ?? []), f]);
  if (payoutIds.length === 0) return out;
  const recipientLimits =
    settings.recipientDailyCount !== null ||
    settings.recipientMonthlyCount !== null ||
    Object.keys(settings.recipientDailyAmount).length > 0 ||
    Object.keys(settings.recipientMonthlyAmount).length > 0;
  const ids = sql.param(payoutIds);
  if (recipientLimits) {
    const rows = await db.execute<Row>(sql`
      with chunk as (
        select recipient_id, min(created_at) as first_at from payouts
        where organisation_id = ${scope.organisationId} and mode = ${scope.mode}
          and id = any(${ids}::text[])
        group by recipient_id
      ), counted as (
        select p.id, p.currency,
          sum(p.amount) over (partition by p.recipient_id, p.currency, date_trunc('day', p.created_at, 'UTC') order by p.created_at, p.id) as recipient_day_amount,
          count(*) over (partition by p.recipient_id, date_trunc('day', p.created_at, 'UTC') order by p.created_at, p.id) as recipient_day_count,
          sum(p.amount) over (partition by p.recipient_id, p.currency, date_trunc('month', p.created_at, 'UTC') order by p.created_at, p.id) as recipient_month_amount,
          count(*) over (partition by p.recipient_id, date_trunc('month', p.created_at, 'UTC') order by p.created_at, p.id) as recipient_month_count
        from payouts p join chunk c on c.recipient_id = p.recipient_id
        where p.organisation_id = ${scope.organisationId} and p.mode = ${scope.mode}
          and p.created_at >= date_trunc('month', c.first_at, 'UTC')
          and p.status not in ('canceled', 'expired')
      )
      select * from counted where id = any(${ids}::text[])`);
    for (const r of rows) {
      const check = (
        code: VelocityCode,
        total: string,
        limit: bigint | number | null | undefined,
        currency: string | null,
      ) => {
        if (limit === null || limit === undefined) return;
        if (BigInt(total) > BigInt(limit)) {
          add(r.id, {
            rule: "velocity",
            outcome: "review",
            code,
            currency,
            limit: String(limit),
            total,
          });
        }
      };
      check("recipient_daily_count", r.recipient_day_count, settings.recipientDailyCount, null);
      check(
        "recipient_monthly_count",
        r.recipient_month_count,
        settings.recipientMonthlyCount,
        null,
      );
      check(
        "recipient_daily_amount",
        r.recipient_day_amount,
        settings.recipientDailyAmount[r.currency],
        r.currency,
      );
      check(
        "recipient_monthly_amount",
        r.recipient_month_amount,
        settings.recipientMonthlyAmount[r.currency],
        r.currency,
      );
    }
  }
  if (Object.keys(settings.organisationDailyAmount).length > 0) {
    const rows = await db.execute<{ id: string; currency: string; day_amount: string }>(sql`
      with days as (
        select distinct date_trunc('day', created_at, 'UTC') as day from payouts
        where organisation_id = ${scope.organisationId} and mode = ${scope.mode}
          and id = any(${ids}::text[])
      ), counted as (
        select p.id, p.currency,
          sum(p.amount) over (partition by p.currency, date_trunc('day', p.created_at, 'UTC') order by p.created_at, p.id) as day_amount
        from payouts p
        where p.organisation_id = ${scope.organisationId} and p.mode = ${scope.mode}
          and p.created_at >= (select min(day) from days)
          and p.created_at < (select max(day) from days) + interval '1 day'
          and p.status not in ('canceled', 'expired')
      )
      select * from counted where id = any(${ids}::text[])`);
    for (const r of rows) {
      const limit = settings.organisationDailyAmount[r.currency];
      if (limit !== undefined && BigInt(r.day_amount) > limit) {
        add(r.id, {
          rule: "velocity",
          outcome: "review",
          code: "organisation_daily_amount",
          currency: r.currency,
          limit: limit.toString(),
          total: r.day_amount,
        });
      }
    }
  }
  return out;
}
