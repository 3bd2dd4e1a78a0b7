import { bulkInsert } from "@/db/bulk";
import type { DbOrTx } from "@/db/client";
import { events } from "@/db/schema";
import type { Scope } from "@/db/scope";
import { newIds } from "@/lib/ids";
import { type EventInput, type EventType, eventSchemas } from "./types";

export type PendingEvent = { [T in EventType]: { type: T; data: EventInput<T> } }[EventType];

/**
 * Writes events to the outbox. Call it with the transaction that makes the change the
 * event describes, so an event exists exactly when its change committed; the relay
 * forwards unrelayed rows afterwards. Payloads are validated here, so a malformed event
 * fails the producer's transaction instead of reaching a webhook.
 */
export async function recordEvents(
  db: DbOrTx,
  scope: Scope,
  pending: PendingEvent[],
): Promise<string[]> {
  const ids = newIds("event", pending.length);
  const rows = pending.map((event, i) => ({
    id: ids[i] as string,
    organisationId: scope.organisationId,
    mode: scope.mode,
    type: event.type,
    data: eventSchemas[event.type].parse(event.data),
  }));
  await bulkInsert(db, events, rows);
  return rows.map((r) => r.id);
}

export async function recordEvent<T extends EventType>(
  db: DbOrTx,
  scope: Scope,
  type: T,
  data: EventInput<T>,
): Promise<string> {
  const [id] = await recordEvents(db, scope, [{ type, data } as PendingEvent]);
  return id as string;
}
