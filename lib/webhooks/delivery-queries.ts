import { and, asc, desc, eq, inArray, lt, type SQL } from "drizzle-orm";
import type { DbOrTx } from "@/db/client";
import { splitPage } from "@/db/paging";
import { webhookAttempts, webhookDeliveries } from "@/db/schema";
import { type Scope, tenantWhere } from "@/db/scope";
import type { AttemptRow, DeliveryRow } from "./delivery";

export type ListDeliveriesParams = {
  eventId?: string;
  endpointId?: string;
  status?: DeliveryRow["status"];
  limit: number;
  /** A delivery id from the previous page; the page continues with older deliveries. */
  startingAfter?: string;
};

/** Newest first; ids are time-ordered, so the id is the cursor. */
export async function listDeliveries(
  db: DbOrTx,
  scope: Scope,
  params: ListDeliveriesParams,
): Promise<{ data: DeliveryRow[]; hasMore: boolean }> {
  const conditions: SQL[] = [tenantWhere(webhookDeliveries, scope)];
  if (params.eventId) conditions.push(eq(webhookDeliveries.eventId, params.eventId));
  if (params.endpointId) conditions.push(eq(webhookDeliveries.endpointId, params.endpointId));
  if (params.status) conditions.push(eq(webhookDeliveries.status, params.status));
  if (params.startingAfter) conditions.push(lt(webhookDeliveries.id, params.startingAfter));
  const rows = await db
    .select()
    .from(webhookDeliveries)
    .where(and(...conditions))
    .orderBy(desc(webhookDeliveries.id))
    .limit(params.limit + 1);
  return splitPage(rows, params.limit);
}

/** Every attempt of one delivery, first to last; empty for another tenant's delivery. */
export async function listAttempts(
  db: DbOrTx,
  scope: Scope,
  deliveryId: string,
): Promise<AttemptRow[]> {
  return db
    .select()
    .from(webhookAttempts)
    .where(and(tenantWhere(webhookAttempts, scope), eq(webhookAttempts.deliveryId, deliveryId)))
    .orderBy(asc(webhookAttempts.attemptNumber));
}

/** The attempts of several deliveries in one query, first to last, by delivery id. */
export async function attemptsByDelivery(
  db: DbOrTx,
  scope: Scope,
  deliveryIds: string[],
): Promise<Map<string, AttemptRow[]>> {
  const byDelivery = new Map<string, AttemptRow[]>(deliveryIds.map((id) => [id, []]));
  if (deliveryIds.length === 0) return byDelivery;
  const rows = await db
    .select()
    .from(webhookAttempts)
    .where(
      and(tenantWhere(webhookAttempts, scope), inArray(webhookAttempts.deliveryId, deliveryIds)),
    )
    .orderBy(asc(webhookAttempts.deliveryId), asc(webhookAttempts.attemptNumber));
  for (const row of rows) byDelivery.get(row.deliveryId)?.push(row);
  return byDelivery;
}
