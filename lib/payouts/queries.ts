import { and, asc, count, desc, eq, gt, gte, lt, lte, type SQL } from "drizzle-orm";
import type { DbOrTx } from "@/db/client";
import { type Page, splitPage } from "@/db/paging";
import {
  batches,
  organisations,
  type PayoutStatus,
  payouts,
  payoutTransitions,
  recipients,
} from "@/db/schema";
import { type Scope, tenantWhere } from "@/db/scope";
import type { BatchRow } from "@/lib/batches/machine";
import { AppError } from "@/lib/errors";
import type { PayoutRow } from "./machine";
import { type BatchProgress, payoutStatuses } from "./serialize";

export type CreatedRange = { gt?: Date; gte?: Date; lt?: Date; lte?: Date };

export type ListPayoutsParams = {
  status?: PayoutStatus;
  recipientId?: string;
  batchId?: string;
  created?: CreatedRange;
  limit: number;
  /** A payout id from the previous page; the page continues with older payouts. */
  startingAfter?: string;
};

function createdRange(
  column: typeof payouts.createdAt | typeof batches.createdAt,
  r?: CreatedRange,
) {
  const conditions: SQL[] = [];
  if (r?.gt) conditions.push(gt(column, r.gt));
  if (r?.gte) conditions.push(gte(column, r.gte));
  if (r?.lt) conditions.push(lt(column, r.lt));
  if (r?.lte) conditions.push(lte(column, r.lte));
  return conditions;
}

export async function getPayout(db: DbOrTx, scope: Scope, id: string): Promise<PayoutRow | null> {
  const [row] = await db
    .select()
    .from(payouts)
    .where(and(tenantWhere(payouts, scope), eq(payouts.id, id)));
  return row ?? null;
}

/** Another organisation's or mode's payout is as absent as a missing one. */
export async function requirePayout(db: DbOrTx, scope: Scope, id: string): Promise<PayoutRow> {
  const row = await getPayout(db, scope, id);
  if (!row) throw new AppError("not_found", `No such payout: ${id}`);
  return row;
}

/**
 * A payout with everything a message about it needs: its recipient, the organisation
 * (for the brand) and its campaign (for the message), in one query. Null when the payout
 * is not in this organisation and mode.
 */
export async function loadPayoutContext(db: DbOrTx, scope: Scope, id: string) {
  const [row] = await db
    .select({
      payout: payouts,
      recipient: recipients,
      organisation: organisations,
      batch: {
        id: batches.id,
        name: batches.name,
        message: batches.message,
        allowedMethods: batches.allowedMethods,
      },
    })
    .from(payouts)
    .innerJoin(recipients, eq(recipients.id, payouts.recipientId))
    .innerJoin(organisations, eq(organisations.id, payouts.organisationId))
    .leftJoin(batches, eq(batches.id, payouts.batchId))
    .where(and(tenantWhere(payouts, scope), eq(payouts.id, id)));
  return row ?? null;
}

export type PayoutContext = NonNullable<Awaited<ReturnType<typeof loadPayoutContext>>>;

/** Newest first; ids are time-ordered, so the id is the cursor. */
export async function listPayouts(
  db: DbOrTx,
  scope: Scope,
  params: ListPayoutsParams,
): Promise<Page<PayoutRow>> {
  const conditions = [
    tenantWhere(payouts, scope),
    ...createdRange(payouts.createdAt, params.created),
  ];
  if (params.status) conditions.push(eq(payouts.status, params.status));
  if (params.recipientId) conditions.push(eq(payouts.recipientId, params.recipientId));
  if (params.batchId) conditions.push(eq(payouts.batchId, params.batchId));
  if (params.startingAfter) conditions.push(lt(payouts.id, params.startingAfter));
  const rows = await db
    .select()
    .from(payouts)
    .where(and(...conditions))
    .orderBy(desc(payouts.id))
    .limit(params.limit + 1);
  return splitPage(rows, params.limit);
}

/** The payout's timeline, oldest first. */
export async function listPayoutTransitions(db: DbOrTx, scope: Scope, payoutId: string) {
  return db
    .select({
      id: payoutTransitions.id,
      fromStatus: payoutTransitions.fromStatus,
      toStatus: payoutTransitions.toStatus,
      reason: payoutTransitions.reason,
      actor: payoutTransitions.actor,
      createdAt: payoutTransitions.createdAt,
    })
    .from(payoutTransitions)
    .innerJoin(payouts, eq(payouts.id, payoutTransitions.payoutId))
    .where(and(tenantWhere(payouts, scope), eq(payoutTransitions.payoutId, payoutId)))
    .orderBy(asc(payoutTransitions.createdAt), asc(payoutTransitions.id));
}

export async function getBatch(db: DbOrTx, scope: Scope, id: string): Promise<BatchRow | null> {
  const [row] = await db
    .select()
    .from(batches)
    .where(and(tenantWhere(batches, scope), eq(batches.id, id)));
  return row ?? null;
}

export async function requireBatch(db: DbOrTx, scope: Scope, id: string): Promise<BatchRow> {
  const row = await getBatch(db, scope, id);
  if (!row) throw new AppError("not_found", `No such batch: ${id}`);
  return row;
}

export type ListBatchesParams = {
  status?: BatchRow["status"];
  created?: CreatedRange;
  limit: number;
  startingAfter?: string;
};

export async function listBatches(
  db: DbOrTx,
  scope: Scope,
  params: ListBatchesParams,
): Promise<Page<BatchRow>> {
  const conditions = [
    tenantWhere(batches, scope),
    ...createdRange(batches.createdAt, params.created),
  ];
  if (params.status) conditions.push(eq(batches.status, params.status));
  if (params.startingAfter) conditions.push(lt(batches.id, params.startingAfter));
  const rows = await db
    .select()
    .from(batches)
    .where(and(...conditions))
    .orderBy(desc(batches.id))
    .limit(params.limit + 1);
  return splitPage(rows, params.limit);
}

/** How many of a batch's payouts are in each status (every status present, zero or more). */
export async function batchProgress(
  db: DbOrTx,
  scope: Scope,
  batchId: string,
): Promise<BatchProgress> {
  const rows = await db
    .select({ status: payouts.status, count: count() })
    .from(payouts)
    .where(and(tenantWhere(payouts, scope), eq(payouts.batchId, batchId)))
    .groupBy(payouts.status);
  const progress = Object.fromEntries(payoutStatuses.map((s) => [s, 0])) as BatchProgress;
  for (const row of rows) progress[row.status] = row.count;
  return progress;
}
