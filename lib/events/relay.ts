import { asc, isNull, sql } from "drizzle-orm";
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
 * Forwards unrelayed outbox rows, oldest first, in batches: each batch creates its
 * webhook deliveries, is sent to Inngest and is marked relayed in one transaction that
 * holds the rows with SKIP LOCKED, so concurrent relays never take the same rows. If
 * the send fails the transaction rolls back and the rows wait for the next pass; if the
 * commit fails after a send, the next pass sends them again and Inngest drops the
 * repeats by event id, and the delivery keys drop the repeated deliveries.
 */
export async function relayPendingEvents(
  db: DbOrTx,
  send: SendEvents,
  options: { batchSize?: number; maxBatches?: number } = {},
): Promise<{ relayed: number; deliveries: number }> {
  const batchSize = options.batchSize ?? RELAY_BATCH;
  const totals = { relayed: 0, deliveries: 0 };
  for (let batch = 0; batch < (options.maxBatches ?? Number.POSITIVE_INFINITY); batch++) {
    const moved = await db.transaction(async (tx) => {
      const rows = await tx
        .select()
        .from(events)
        .where(isNull(events.relayedAt))
        .orderBy(asc(events.createdAt), asc(events.id))
        .limit(batchSize)
        .for("update", { skipLocked: true });
      if (rows.length === 0) return null;
      const deliveries = await enqueueWebhookDeliveries(tx, rows);
      await send(rows.map(toInngestEvent));
      // One array parameter rather than a thousand: the statement stays cheap to parse.
      await tx
        .update(events)
        .set({ relayedAt: new Date() })
        .where(sql`${events.id} = any(${sql.param(rows.map((r) => r.id))}::text[])`);
      return { relayed: rows.length, deliveries };
    });
    if (!moved) break;
    totals.relayed += moved.relayed;
    totals.deliveries += moved.deliveries;
    if (moved.relayed < batchSize) break;
  }
  return totals;
}
