import { and, asc, eq, lte } from "drizzle-orm";
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
  // One query per status the event applies in, so claimable payouts keep their partial
  // index (`status = any(…)` would not use it); held ones are few.
  const now = options.now ?? new Date();
  const limit = options.limit ?? 1_000;
  const found = await Promise.all(
    statusesFor("expire").map((status) =>
      db
        .select({
          id: payouts.id,
          organisationId: payouts.organisationId,
          mode: payouts.mode,
          expiresAt: payouts.expiresAt,
        })
        .from(payouts)
        .where(and(eq(payouts.status, status), lte(payouts.expiresAt, now)))
        .orderBy(asc(payouts.expiresAt))
        .limit(limit),
    ),
  );
  const due = found
    .flat()
    .sort((a, b) => a.expiresAt.getTime() - b.expiresAt.getTime())
    .slice(0, limit);

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
