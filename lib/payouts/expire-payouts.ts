import { and, asc, lte, sql } from "drizzle-orm";
import type { DbOrTx } from "@/db/client";
import { payouts } from "@/db/schema";
import type { Scope } from "@/db/scope";
import { applyPayoutEvent, statusesFor } from "./machine";

/**
 * Expires claimable payouts (and those held for tax details) whose link window has passed, across organisations,
 * releasing their funds. Run it on a schedule; each scope's group is its own
 * transaction, and a payout claimed in the meantime is simply skipped.
 */
export async function expireDuePayouts(
  db: DbOrTx,
  options: { now?: Date; limit?: number } = {},
): Promise<{ expired: string[] }> {
  const due = await db
    .select({ id: payouts.id, organisationId: payouts.organisationId, mode: payouts.mode })
    .from(payouts)
    .where(
      and(
        sql`${payouts.status} = any(${sql.param(statusesFor("expire"))}::payout_status[])`,
        lte(payouts.expiresAt, options.now ?? new Date()),
      ),
    )
    .orderBy(asc(payouts.expiresAt))
    .limit(options.limit ?? 1_000);

  const byScope = new Map<string, { scope: Scope; ids: string[] }>();
  for (const row of due) {
    const key = `${row.organisationId}:${row.mode}`;
    const group = byScope.get(key) ?? {
      scope: { organisationId: row.organisationId, mode: row.mode },
      ids: [],
    };
    group.ids.push(row.id);
    byScope.set(key, group);
  }
  const expired: string[] = [];
  for (const { scope, ids } of byScope.values()) {
    const { moved } = await applyPayoutEvent(db, scope, ids, "expire", {
      reason: "link_expired",
      actor: "system",
    });
    expired.push(...moved.map((r) => r.id));
  }
  return { expired };
}
