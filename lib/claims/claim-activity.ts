import { and, asc, eq } from "drizzle-orm";
import type { DbOrTx } from "@/db/client";
import { type ClaimActivityKind, claimActivity } from "@/db/schema";
import { type Scope, tenantWhere } from "@/db/scope";
import { newId } from "@/lib/ids";

/** Whose link it is: the payout and tenant an activity row is filed under. */
export type ClaimLinkOwner = Scope & { payoutId: string; claimLinkId: string };

/**
 * Files something that happened on a claim link, for the payout's timeline. Requests and
 * the lock are once per link (a unique index): the answer says whether this call filed it,
 * and the id of the row filed now or before.
 */
export async function recordClaimActivity(
  db: DbOrTx,
  owner: ClaimLinkOwner,
  kind: ClaimActivityKind,
  now = new Date(),
): Promise<{ id: string; recorded: boolean }> {
  const [row] = await db
    .insert(claimActivity)
    .values({
      id: newId("claimActivity"),
      organisationId: owner.organisationId,
      mode: owner.mode,
      payoutId: owner.payoutId,
      claimLinkId: owner.claimLinkId,
      kind,
      createdAt: now,
    })
    .onConflictDoNothing()
    .returning({ id: claimActivity.id });
  if (row) return { id: row.id, recorded: true };
  const [earlier] = await db
    .select({ id: claimActivity.id })
    .from(claimActivity)
    .where(and(eq(claimActivity.claimLinkId, owner.claimLinkId), eq(claimActivity.kind, kind)));
  if (!earlier) throw new Error(`claim activity ${kind} on ${owner.claimLinkId} vanished`);
  return { id: earlier.id, recorded: false };
}

/** Whether the link already carries this once-per-link entry (a request, the lock). */
export async function hasClaimActivity(
  db: DbOrTx,
  claimLinkId: string,
  kind: ClaimActivityKind,
): Promise<boolean> {
  const [row] = await db
    .select({ id: claimActivity.id })
    .from(claimActivity)
    .where(and(eq(claimActivity.claimLinkId, claimLinkId), eq(claimActivity.kind, kind)))
    .limit(1);
  return Boolean(row);
}

/** A payout's claim-link activity, oldest first. */
export function listClaimActivity(db: DbOrTx, scope: Scope, payoutId: string) {
  return db
    .select()
    .from(claimActivity)
    .where(and(tenantWhere(claimActivity, scope), eq(claimActivity.payoutId, payoutId)))
    .orderBy(asc(claimActivity.createdAt), asc(claimActivity.id));
}
