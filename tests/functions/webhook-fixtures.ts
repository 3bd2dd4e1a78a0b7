import { sql } from "drizzle-orm";
import type { DbOrTx } from "@/db/client";
import type { Scope } from "@/db/scope";

let batch = 0;

/**
 * `n` relayed `balance.funded` events of the scope, each with a delivery to `endpointId`
 * due now, written in one statement (a backlog of tens of thousands in a second or two).
 */
export async function insertDueDeliveries(
  db: DbOrTx,
  scope: Scope,
  endpointId: string,
  n: number,
  dueAt = new Date(),
): Promise<void> {
  const tag = `${Date.now().toString(36)}${(++batch).toString(36)}${Math.random().toString(36).slice(2, 6)}`;
  await db.execute(sql`
    with created as (
      insert into events (id, organisation_id, mode, type, data, created_at, relayed_at)
      select 'evt_bulk' || ${tag} || lpad(g::text, 7, '0'), ${scope.organisationId},
        ${scope.mode}::mode, 'balance.funded',
        jsonb_build_object('currency', 'USD', 'amount', g, 'available', 0,
          'transaction_id', 'ltx_bulk' || g),
        ${dueAt.toISOString()}::timestamptz, ${dueAt.toISOString()}::timestamptz
      from generate_series(1, ${n}::int) as g
      returning id
    )
    insert into webhook_deliveries
      (id, organisation_id, mode, event_id, endpoint_id, idempotency_key, next_attempt_at,
       created_at, updated_at)
    select 'wd_bulk' || substr(id, 9), ${scope.organisationId}, ${scope.mode}::mode, id,
      ${endpointId}, id || ':' || ${endpointId}, ${dueAt.toISOString()}::timestamptz,
      ${dueAt.toISOString()}::timestamptz, ${dueAt.toISOString()}::timestamptz
    from created`);
}
