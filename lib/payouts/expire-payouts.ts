import { and, asc, eq, lte, type SQL } from "drizzle-orm";
import type { DbOrTx } from "@/db/client";
import { payouts } from "@/db/schema";
import { type Scope, tenantWhere } from "@/db/scope";
import { advancedClocks, onRealTime } from "@/lib/test-mode/clock";
import { applyPayoutEvent, statusesFor } from "./machine";

/**
 * Expires claimable payouts (and those held for tax details) whose link window has passed, across organisations,
 * releasing their funds. Run it on a schedule; each scope's group is its own
 * transaction, and a payout claimed in the meantime is simply skipped. An organisation
 * whose test clock runs ahead is swept at its clock's time.
 */
export async function expireDuePayouts(
  db: DbOrTx,
  options: { now?: Date; limit?: number } = {},
): Promise<{ expired: string[] }> {
  const real = options.now ?? new Date();
  const limit = options.limit ?? 1_000;
  const expired: string[] = [];
  for (const clock of await advancedClocks(db, real)) {
    if (expired.length >= limit) break;
    const swept = await expireScopePayouts(db, clock.scope, clock.now, limit - expired.length);
    expired.push(...swept.expired);
  }
  if (expired.length < limit) {
    expired.push(...(await expire(db, [onRealTime(payouts)], real, limit - expired.length)));
  }
  return { expired };
}

/** Expires one organisation and mode's due payouts at `now` (its clock's time). */
export async function expireScopePayouts(
  db: DbOrTx,
  scope: Scope,
  now: Date,
  limit = 1_000,
): Promise<{ expired: string[] }> {
  return { expired: await expire(db, [tenantWhere(payouts, scope)], now, limit) };
}

async function expire(db: DbOrTx, where: SQL[], now: Date, limit: number): Promise<string[]> {
  // One query per status the event applies in, so claimable payouts keep their partial
  // index (`status = any(…)` would not use it); held ones are few.
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
        .where(and(...where, eq(payouts.status, status), lte(payouts.expiresAt, now)))
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
  return expired;
}
