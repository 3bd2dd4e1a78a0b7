import { and, desc, eq, gte, inArray, lt, lte } from "drizzle-orm";
import type { DbOrTx } from "@/db/client";
import { splitPage } from "@/db/paging";
import { events } from "@/db/schema";
import { type Scope, tenantWhere } from "@/db/scope";
import type { EventType } from "./types";

export type EventRow = typeof events.$inferSelect;

export type ListEventsParams = {
  types?: EventType[];
  createdGte?: Date;
  createdLte?: Date;
  limit: number;
  /** An event id from a previous page: the page continues after it (older events). */
  startingAfter?: string;
};

export async function getEvent(db: DbOrTx, scope: Scope, id: string): Promise<EventRow | null> {
  const [row] = await db
    .select()
    .from(events)
    .where(and(tenantWhere(events, scope), eq(events.id, id)));
  return row ?? null;
}

/** Newest first; ids are time-ordered, so the id is the cursor. */
export async function listEvents(
  db: DbOrTx,
  scope: Scope,
  params: ListEventsParams,
): Promise<{ data: EventRow[]; hasMore: boolean }> {
  const conditions = [tenantWhere(events, scope)];
  if (params.types?.length) conditions.push(inArray(events.type, params.types));
  if (params.createdGte) conditions.push(gte(events.createdAt, params.createdGte));
  if (params.createdLte) conditions.push(lte(events.createdAt, params.createdLte));
  if (params.startingAfter) conditions.push(lt(events.id, params.startingAfter));
  const rows = await db
    .select()
    .from(events)
    .where(and(...conditions))
    .orderBy(desc(events.id))
    .limit(params.limit + 1);
  return splitPage(rows, params.limit);
}
