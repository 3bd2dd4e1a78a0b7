import { and, asc, isNull, sql } from "drizzle-orm";
import type { DbOrTx } from "@/db/client";
import { events } from "@/db/schema";
import { enqueueWebhookDeliveries } from "@/lib/webhooks/delivery";
import type { EventRow } from "./queries";

/** An outbox row as Inngest receives it: the row id is the event id, so a resend is dropped. */
export type RelayedEvent = {
  id: string;
  name: string;
  data: Record<string, unknown>;
  ts: number;
};

export type SendEvents = (events: RelayedEvent[]) => Promise<unknown>;

export const RELAY_BATCH = 1_000;

export function toInngestEvent(row: EventRow): RelayedEvent {
  return {
    id: row.id,
    name: row.type,
    data: { ...row.data, organisation_id: row.organisationId, mode: row.mode },
    ts: row.createdAt.getTime(),
  };
}

/**
 * The next `limit` unrelayed rows after the row `after` (from the start when null), in the
 * relay's order, held with SKIP LOCKED. The order is the whole of `events_unrelayed_idx`,
 * so a batch is an index range: a campaign's 10,001 events share one `created_at`, and
 * ordered on that column alone every batch read and sorted all of them.
 */
export function unrelayedBatch(tx: DbOrTx, after: string | null, limit: number) {
  return tx
    .select()
    .from(events)
    .where(
      and(
        isNull(events.relayedAt),
        after === null
          ? undefined
          : sql`(${events.createdAt}, ${events.id}) > (select ${events.createdAt}, ${events.id} from ${events} where ${events.id} = ${after})`,
      ),
    )
    .orderBy(asc(events.createdAt), asc(events.id))
    .limit(limit)
    .for("update", { skipLocked: true });
}

/**
 * Forwards unrelayed outbox rows, oldest first, in batches: each batch creates its
 * webhook deliveries, is sent to Inngest and is marked relayed in one transaction that
 * holds the rows with SKIP LOCKED, so concurrent relays never take the same rows. If
 * the send fails the transaction rolls back and the rows wait for the next pass; if the
 * commit fails after a send, the next pass sends them again and Inngest drops the
 * repeats by event id, and the delivery keys drop the repeated deliveries.
 *
 * Each batch goes on after the last row of the one before: relayed rows stay in the
 * unrelayed index as dead entries until no transaction can see them any more, and
 * starting every batch from the oldest walked over all of them again (a 10,001-event
 * campaign read over 800,000 index entries).
 */
export async function relayPendingEvents(
  db: DbOrTx,
  send: SendEvents,
  options: { batchSize?: number; maxBatches?: number } = {},
): Promise<{ relayed: number; deliveries: number }> {
  const batchSize = options.batchSize ?? RELAY_BATCH;
  const totals = { relayed: 0, deliveries: 0 };
  let after: string | null = null;
  for (let batch = 0; batch < (options.maxBatches ?? Number.POSITIVE_INFINITY); batch++) {
    const from: string | null = after;
    const moved = await db.transaction(async (tx) => {
      const rows: EventRow[] = await unrelayedBatch(tx, from, batchSize);
      if (rows.length === 0) return null;
      const deliveries = await enqueueWebhookDeliveries(tx, rows);
      await send(rows.map(toInngestEvent));
      // One array parameter rather than a thousand: the statement stays cheap to parse.
      await tx
        .update(events)
        .set({ relayedAt: new Date() })
        .where(sql`${events.id} = any(${sql.param(rows.map((r) => r.id))}::text[])`);
      return { relayed: rows.length, deliveries, last: rows.at(-1)?.id ?? null };
    });
    if (!moved) break;
    totals.relayed += moved.relayed;
    totals.deliveries += moved.deliveries;
    after = moved.last;
    if (moved.relayed < batchSize) break;
  }
  return totals;
}
