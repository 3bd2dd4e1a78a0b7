import { and, count, sum } from "drizzle-orm";
import { matchesAny } from "@/db/bulk";
import type { DbOrTx } from "@/db/client";
import type { Page } from "@/db/paging";
import { type BatchStatus, type PayoutStatus, payoutStatusEnum, payouts } from "@/db/schema";
import { type Scope, tenantWhere } from "@/db/scope";
import type { BatchRow } from "@/lib/batches/machine";
import {
  accountHolding,
  finalStatuses,
  type PayoutEvent,
  payoutEvents,
  statusesFor,
} from "@/lib/payouts/machine";
import { type ListBatchesParams, listBatches } from "@/lib/payouts/queries";

/*
 * What a campaign's status says to the people who read the dashboard. The API's batch
 * status is about the fan-out (`completed` = every link went out, `batch.completed`);
 * people want to know where the money is, so the dashboard shows this status instead.
 * It is computed from the payouts on every read, never stored.
 */

/** Paid, the outcome a campaign exists for. */
const paidStatus: PayoutStatus = payoutEvents.settle.to;

/**
 * Where a payout's money has come to rest: canceled (released), expired (released; a
 * member may reissue it, which opens it again) and `paid`. A paid payout can still be
 * returned by the recipient's bank; the campaign then counts it as open again on the
 * next read.
 */
export const settledStatuses: readonly PayoutStatus[] = [
  ...new Set([...finalStatuses, payoutEvents.expire.to, paidStatus]),
];

/** Where the money went back to the balance. */
const releasedStatuses = payoutStatusEnum.enumValues.filter(
  (s) => accountHolding[s] === "available",
);

/** Every status reachable from `from` through the machine's table, without `skipping`. */
function reachable(from: PayoutStatus, skipping?: PayoutEvent): Set<PayoutStatus> {
  const reached = new Set<PayoutStatus>([from]);
  for (const status of reached) {
    for (const event of Object.keys(payoutEvents) as PayoutEvent[]) {
      if (event !== skipping && statusesFor(event).includes(status)) {
        reached.add(payoutEvents[event].to);
      }
    }
  }
  return reached;
}

/**
 * The recipient has chosen a method: the statuses reachable from `claim`'s, less those a
 * payout can be in before any claim (held for review again, canceled, …).
 */
export const claimedStatuses: readonly PayoutStatus[] = (() => {
  const beforeClaim = reachable("pending", "claim");
  return [...reachable(payoutEvents.claim.to)].filter((s) => !beforeClaim.has(s));
})();

export type CampaignDisplayStatus =
  | "awaiting_approval"
  | "sending"
  | "sent"
  | "completed"
  | "canceled";

export type Tally = { count: number; amount: bigint };

export type CampaignFigures = {
  payouts: Tally;
  claimed: Tally;
  paid: Tally;
  /** Canceled or expired: the money went back to the balance. */
  released: Tally;
  /** Not yet settled (see `settledStatuses`): waiting for the recipient or the provider. */
  open: Tally;
};

const none = (): Tally => ({ count: 0, amount: 0n });

export function emptyFigures(): CampaignFigures {
  return { payouts: none(), claimed: none(), paid: none(), released: none(), open: none() };
}

/** A campaign's figures from its payouts' counts and amounts per status. */
export function figuresOf(byStatus: { status: PayoutStatus; count: number; amount: bigint }[]) {
  const figures = emptyFigures();
  const add = (tally: Tally, row: { count: number; amount: bigint }) => {
    tally.count += row.count;
    tally.amount += row.amount;
  };
  for (const row of byStatus) {
    add(figures.payouts, row);
    if (claimedStatuses.includes(row.status)) add(figures.claimed, row);
    if (row.status === paidStatus) add(figures.paid, row);
    if (releasedStatuses.includes(row.status)) add(figures.released, row);
    if (!settledStatuses.includes(row.status)) add(figures.open, row);
  }
  return figures;
}

/**
 * `sending` while the fan-out runs, `sent` once every link went out, `completed` only
 * when every payout is settled; approval and cancelation are the batch's own.
 */
export function campaignDisplayStatus(
  batchStatus: BatchStatus,
  figures: CampaignFigures,
): CampaignDisplayStatus {
  switch (batchStatus) {
    case "awaiting_approval":
    case "canceled":
      return batchStatus;
    case "processing":
      return "sending";
    case "completed":
      return figures.payouts.count > 0 && figures.open.count === 0 ? "completed" : "sent";
  }
}

/** The figures of each of these campaigns, in one query. */
export async function campaignFigures(
  db: DbOrTx,
  scope: Scope,
  batchIds: string[],
): Promise<Map<string, CampaignFigures>> {
  const result = new Map(batchIds.map((id) => [id, emptyFigures()]));
  if (batchIds.length === 0) return result;
  const rows = await db
    .select({
      batchId: payouts.batchId,
      status: payouts.status,
      count: count(),
      amount: sum(payouts.amount).mapWith(BigInt),
    })
    .from(payouts)
    .where(and(tenantWhere(payouts, scope), matchesAny(payouts.batchId, batchIds)))
    .groupBy(payouts.batchId, payouts.status);
  const grouped = new Map<string, { status: PayoutStatus; count: number; amount: bigint }[]>();
  for (const row of rows) {
    if (!row.batchId) continue;
    const list = grouped.get(row.batchId) ?? [];
    list.push({ status: row.status, count: row.count, amount: row.amount });
    grouped.set(row.batchId, list);
  }
  for (const [batchId, byStatus] of grouped) result.set(batchId, figuresOf(byStatus));
  return result;
}

export type CampaignSummary = {
  batch: BatchRow;
  figures: CampaignFigures;
  displayStatus: CampaignDisplayStatus;
};

function summarise(batch: BatchRow, figures: CampaignFigures): CampaignSummary {
  return { batch, figures, displayStatus: campaignDisplayStatus(batch.status, figures) };
}

/** One page of campaigns, newest first, each with its money figures and display status. */
export async function listCampaigns(
  db: DbOrTx,
  scope: Scope,
  params: ListBatchesParams,
): Promise<Page<CampaignSummary>> {
  const page = await listBatches(db, scope, params);
  const figures = await campaignFigures(
    db,
    scope,
    page.data.map((b) => b.id),
  );
  return {
    data: page.data.map((b) => summarise(b, figures.get(b.id) ?? emptyFigures())),
    hasMore: page.hasMore,
  };
}

/** One campaign's summary. */
export async function campaignSummary(
  db: DbOrTx,
  scope: Scope,
  batch: BatchRow,
): Promise<CampaignSummary> {
  const figures = await campaignFigures(db, scope, [batch.id]);
  return summarise(batch, figures.get(batch.id) ?? emptyFigures());
}
