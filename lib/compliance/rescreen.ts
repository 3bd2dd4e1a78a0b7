import { and, asc, eq, gt, sql } from "drizzle-orm";
import type { DbOrTx } from "@/db/client";
import { payouts, recipients } from "@/db/schema";
import { type Scope, tenantWhere } from "@/db/scope";
import { inTransaction } from "@/db/transaction";
import { applyPayoutEvent, statusesFor } from "@/lib/payouts/machine";
import type { Decision } from "./findings";
import { recordScreening, type ScreenedOutcome } from "./reviews";
import { screenPayouts } from "./screen-payouts";

export const RESCREEN_CHUNK = 1_000;

/** Payouts a new list version can still stop: claimable or claimed, not yet with a provider. */
const rescreenable = statusesFor("hold_for_review").filter((s) => s !== "pending");

/** Organisations and modes with open payouts a rescreen must visit. */
export async function scopesWithOpenPayouts(db: DbOrTx): Promise<Scope[]> {
  const rows = await db
    .selectDistinct({ organisationId: payouts.organisationId, mode: payouts.mode })
    .from(payouts)
    .where(sql`${payouts.status} = any(${sql.param(rescreenable)}::payout_status[])`);
  return rows;
}

/**
 * Rescreens the next chunk of a scope's open payouts (after `afterId`) against the
 * current lists: a new match holds the payout for review (or cancels it when it blocks),
 * a recipient a reviewer already cleared for that entry is left alone. Pending payouts
 * are left to their own preparation, which screens against the same lists. Returns the
 * last id seen, for the next chunk, or null when done.
 */
export async function rescreenChunk(
  db: DbOrTx,
  scope: Scope,
  afterId: string | null,
  size = RESCREEN_CHUNK,
): Promise<{ nextAfter: string | null; held: number; canceled: number; screened: number }> {
  return inTransaction(db, async (tx) => {
    const rows = await tx
      .select({
        payoutId: payouts.id,
        recipient: {
          id: recipients.id,
          name: recipients.name,
          email: recipients.email,
          country: recipients.country,
        },
      })
      .from(payouts)
      .innerJoin(recipients, eq(recipients.id, payouts.recipientId))
      .where(
        and(
          tenantWhere(payouts, scope),
          sql`${payouts.status} = any(${sql.param(rescreenable)}::payout_status[])`,
          afterId ? gt(payouts.id, afterId) : undefined,
        ),
      )
      .orderBy(asc(payouts.id))
      .limit(size);
    const decisions = await screenPayouts(tx, scope, rows, { velocity: false });
    const recipientOf = new Map(rows.map((r) => [r.payoutId, r.recipient.id]));
    const outcome = (id: string): ScreenedOutcome => ({
      payoutId: id,
      recipientId: recipientOf.get(id) as string,
      decision: decisions.get(id) as Decision,
    });
    const held: ScreenedOutcome[] = [];
    const blocked: ScreenedOutcome[] = [];
    for (const [id, decision] of decisions) {
      if (decision.outcome === "pass") continue;
      const reason = decision.reasonCodes.join(",");
      const event = decision.outcome === "block" ? "cancel" : "hold_for_review";
      const { moved } = await applyPayoutEvent(tx, scope, id, event, {
        reason,
        actor: "system",
        changes: event === "cancel" ? { failureReason: reason } : undefined,
      });
      if (moved.length > 0) (event === "cancel" ? blocked : held).push(outcome(id));
    }
    const passed = [...decisions].flatMap(([id, d]) => (d.outcome === "pass" ? [id] : []));
    await recordScreening(tx, scope, { stage: "rescreen", held, blocked, passed });
    const last = rows.at(-1)?.payoutId ?? null;
    return {
      nextAfter: rows.length < size ? null : last,
      held: held.length,
      canceled: blocked.length,
      screened: rows.length,
    };
  });
}
