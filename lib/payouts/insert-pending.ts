import { bulkInsert } from "@/db/bulk";
import type { DbOrTx } from "@/db/client";
import { payouts as payoutTable } from "@/db/schema";
import type { Scope } from "@/db/scope";
import { newIds } from "@/lib/ids";
import type { PayoutRow } from "./transitions";

export const DEFAULT_EXPIRY_DAYS = 30;
const DAY_MS = 86_400_000;

export type NewPayout = {
  recipientId: string;
  batchId: string | null;
  amount: bigint;
  currency: string;
  description: string | null;
  metadata: PayoutRow["metadata"];
  expiresInDays: number | undefined;
};

/**
 * Inserts payouts in `pending` with one statement however many, and returns their rows
 * as written (no read-back): one for a single create, 10,000 for a campaign.
 */
export async function insertPendingPayouts(
  tx: DbOrTx,
  scope: Scope,
  payouts: NewPayout[],
  now = new Date(),
): Promise<PayoutRow[]> {
  const ids = newIds("payout", payouts.length);
  const rows: PayoutRow[] = payouts.map((p, i) => ({
    id: ids[i] as string,
    organisationId: scope.organisationId,
    mode: scope.mode,
    recipientId: p.recipientId,
    batchId: p.batchId,
    amount: p.amount,
    currency: p.currency,
    status: "pending",
    description: p.description,
    metadata: p.metadata,
    method: null,
    methodDetails: null,
    providerReference: null,
    failureReason: null,
    attempt: 0,
    expiresAt: new Date(now.getTime() + (p.expiresInDays ?? DEFAULT_EXPIRY_DAYS) * DAY_MS),
    claimedAt: null,
    paidAt: null,
    createdAt: now,
    updatedAt: now,
  }));
  await bulkInsert(tx, payoutTable, rows);
  return rows;
}
