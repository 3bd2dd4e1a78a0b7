import { sql } from "drizzle-orm";
import type { DbOrTx } from "@/db/client";
import type { PayoutStatus } from "@/db/schema";
import type { Scope } from "@/db/scope";
import { accountHolding } from "@/lib/payouts/machine";
import { batchProgress } from "@/lib/payouts/queries";

export type FanOutProgress = {
  total: number;
  counts: Record<PayoutStatus, number>;
  /** Payouts that left `pending`: screened and, unless held or blocked, sent their link. */
  fannedOut: number;
  percent: number;
};

export async function fanOutProgress(
  db: DbOrTx,
  scope: Scope,
  batchId: string,
): Promise<FanOutProgress> {
  const counts = await batchProgress(db, scope, batchId);
  const total = Object.values(counts).reduce((a, b) => a + b, 0);
  const fannedOut = total - counts.pending;
  return {
    total,
    counts,
    fannedOut,
    percent: total === 0 ? 0 : Math.floor((fannedOut * 100) / total),
  };
}

export type ReconciliationLine = {
  account: "reserved" | "in_transit" | "paid_out" | "available";
  /** What the payouts' statuses say should be there. */
  expected: bigint;
  /** The net of the ledger transfers carrying the campaign's payout ids. */
  ledger: bigint;
};

export type BatchReconciliation = {
  lines: ReconciliationLine[];
  /** Sum of the payouts' amounts, which must equal the campaign's total. */
  payoutsTotal: bigint;
  balanced: boolean;
};

/**
 * Checks a campaign's books both ways: payouts by status against the ledger's net
 * movement per account for those payouts. Released money (canceled, expired) is back in
 * `available`, so there the ledger's net is expected to be minus what is still out.
 */
export async function reconcileBatch(
  db: DbOrTx,
  scope: Scope,
  batch: { id: string; totalAmount: bigint },
): Promise<BatchReconciliation> {
  const statuses = await db.execute<{ status: PayoutStatus; amount: string }>(sql`
    select status, coalesce(sum(amount), 0)::text as amount from payouts
    where organisation_id = ${scope.organisationId} and mode = ${scope.mode} and batch_id = ${batch.id}
    group by status`);
  const ledger = await db.execute<{ kind: string; net: string }>(sql`
    with moves as (
      select t.amount, d.kind as debit_kind, c.kind as credit_kind
      from ledger_transfers t
      join ledger_accounts d on d.id = t.debit_account_id
      join ledger_accounts c on c.id = t.credit_account_id
      where t.organisation_id = ${scope.organisationId} and t.mode = ${scope.mode}
        and t.phase in ('single', 'post')
        and t.payout_id in (
          select id from payouts
          where organisation_id = ${scope.organisationId} and mode = ${scope.mode} and batch_id = ${batch.id})
    )
    select kind, sum(net)::text as net from (
      select credit_kind as kind, amount as net from moves
      union all
      select debit_kind as kind, -amount as net from moves
    ) x group by kind`);

  const expected = { reserved: 0n, in_transit: 0n, paid_out: 0n, available: 0n };
  let payoutsTotal = 0n;
  for (const row of statuses) {
    const amount = BigInt(row.amount);
    payoutsTotal += amount;
    expected[accountHolding[row.status]] += amount;
  }
  // Money still out of `available` is everything not released.
  expected.available = -(payoutsTotal - expected.available);
  const net = new Map(ledger.map((r) => [r.kind, BigInt(r.net)]));
  const lines = (Object.keys(expected) as ReconciliationLine["account"][]).map((account) => ({
    account,
    expected: expected[account],
    ledger: net.get(account) ?? 0n,
  }));
  return {
    lines,
    payoutsTotal,
    balanced: payoutsTotal === batch.totalAmount && lines.every((l) => l.expected === l.ledger),
  };
}
