import type { DbOrTx } from "@/db/client";
import type { Scope } from "@/lib/events/outbox";
import { newIds } from "@/lib/ids";
import { bulkInsert } from "./bulk-sql";
import type { PayoutRow } from "./transitions";

export const DEFAULT_EXPIRY_DAYS = 30;
const DAY_MS = 86_400_000;

const payoutColumns = [
  { name: "id", type: "text" },
  { name: "organisation_id", type: "text" },
  { name: "mode", type: "mode" },
  { name: "recipient_id", type: "text" },
  { name: "batch_id", type: "text" },
  { name: "amount", type: "bigint" },
  { name: "currency", type: "text" },
  { name: "status", type: "payout_status" },
  { name: "description", type: "text" },
  { name: "metadata", type: "jsonb" },
  { name: "expires_at", type: "timestamptz" },
  { name: "created_at", type: "timestamptz" },
  { name: "updated_at", type: "timestamptz" },
];

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
  await bulkInsert(
    tx,
    "payouts",
    payoutColumns,
    rows.map((r) => ({
      id: r.id,
      organisation_id: r.organisationId,
      mode: r.mode,
      recipient_id: r.recipientId,
      batch_id: r.batchId,
      amount: r.amount,
      currency: r.currency,
      status: r.status,
      description: r.description,
      metadata: r.metadata,
      expires_at: r.expiresAt,
      created_at: r.createdAt,
      updated_at: r.updatedAt,
    })),
  );
  return rows;
}
