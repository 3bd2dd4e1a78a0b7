import { sql } from "drizzle-orm";
import type { DbOrTx } from "@/db/client";
import { webhookDeliveries, webhookEndpoints } from "@/db/schema";

const DAY = 86_400_000;

/**
 * Deletes up to `limit` finished deliveries (succeeded, failed or canceled) created more
 * than `retentionDays` ago, with their attempt logs (the foreign key cascades). Those
 * logs hold each request's body and each response: kept long enough to debug an
 * integration, not for ever. A delivery still scheduled is never deleted, whatever its
 * age. Each endpoint's oldest come first, read on the index the dashboard's delivery
 * log uses (endpoint, created), so the purge adds no index for every delivery to carry.
 * Returns how many deliveries went.
 */
export async function purgeWebhookLogs(
  db: DbOrTx,
  options: { retentionDays: number; now?: Date; limit?: number },
): Promise<number> {
  const cutoff = new Date((options.now ?? new Date()).getTime() - options.retentionDays * DAY);
  const limit = options.limit ?? 10_000;
  const [row] = await db.execute<{ n: number }>(sql`
    with doomed as (
      select d.id
      from ${webhookEndpoints} w
      cross join lateral (
        select d.id from ${webhookDeliveries} d
        where d.endpoint_id = w.id and d.created_at < ${cutoff.toISOString()}::timestamptz
          and d.status <> 'scheduled'
        order by d.created_at
        limit ${limit}
      ) d
      limit ${limit}
    ), gone as (
      delete from ${webhookDeliveries} d where d.id in (select id from doomed) returning 1
    )
    select count(*)::int as n from gone`);
  return row?.n ?? 0;
}
