import { and } from "drizzle-orm";
import { matchesAny } from "@/db/bulk";
import type { DbOrTx } from "@/db/client";
import { type BatchStatus, batches } from "@/db/schema";
import { type Scope, tenantWhere } from "@/db/scope";
import { type IssuedClaimLink, liveClaimLink } from "@/lib/claims/links";
import type { PayoutRow } from "./machine";
import { type PayoutResource, serializePayout } from "./serialize";

/** The campaign status of each pending campaign payout (whether it waits for approval). */
async function batchStatuses(
  db: DbOrTx,
  scope: Scope,
  rows: PayoutRow[],
): Promise<Map<string, BatchStatus>> {
  const ids = [
    ...new Set(rows.flatMap((r) => (r.status === "pending" && r.batchId ? [r.batchId] : []))),
  ];
  if (ids.length === 0) return new Map();
  const found = await db
    .select({ id: batches.id, status: batches.status })
    .from(batches)
    .where(and(tenantWhere(batches, scope), matchesAny(batches.id, ids)));
  return new Map(found.map((b) => [b.id, b.status]));
}

/** Payouts as a list shows them: no `claim_url` (a link per row is not a list's business). */
export async function presentPayouts(
  db: DbOrTx,
  scope: Scope,
  rows: PayoutRow[],
): Promise<PayoutResource[]> {
  const statuses = await batchStatuses(db, scope, rows);
  return rows.map((row) =>
    serializePayout(row, { batchStatus: row.batchId ? statuses.get(row.batchId) : null }),
  );
}

/** One payout as a change to it answers (cancel, test helpers): no `claim_url`. */
export async function presentPayout(
  db: DbOrTx,
  scope: Scope,
  row: PayoutRow,
): Promise<PayoutResource> {
  const [resource] = await presentPayouts(db, scope, [row]);
  return resource as PayoutResource;
}

/**
 * One payout as its own organisation reads it (retrieve, resend, reissue), with
 * `claim_url`: the live link's URL recomputed from its id (`liveClaimLink`), never stored
 * and never a new link, so reading it any number of times leaves one live link. Pass the
 * link a caller has just issued to save reading it back.
 */
export async function presentPayoutWithLink(
  db: DbOrTx,
  scope: Scope,
  row: PayoutRow,
  link?: IssuedClaimLink | null,
): Promise<PayoutResource> {
  const live = link === undefined ? await liveClaimLink(db, scope, row.id) : link;
  return { ...(await presentPayout(db, scope, row)), claim_url: live?.url ?? null };
}
