import type { DbOrTx } from "@/db/client";
import type { Scope } from "@/db/scope";
import { type MovedPayout, movePayout } from "./machine";

/**
 * Cancels a payout whose funds are still only reserved, releasing them to `available`
 * and killing its claim link. Two concurrent cancels: one wins, the other gets
 * `invalid_state_transition` because the row is no longer in a cancelable status.
 */
export function cancelPayout(
  db: DbOrTx,
  scope: Scope,
  params: { payoutId: string; reason?: string; actor?: string },
): Promise<MovedPayout> {
  return movePayout(db, scope, params.payoutId, "cancel", {
    reason: params.reason ?? "canceled_by_organisation",
    actor: params.actor,
  });
}
