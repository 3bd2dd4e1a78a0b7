import type { DbOrTx } from "@/db/client";
import type { Scope } from "@/db/scope";
import { inTransaction } from "@/db/transaction";
import { AppError } from "@/lib/errors";
import { requirePayout } from "./queries";
import { canTransition, type PayoutRow, transitionPayout } from "./transitions";

/**
 * Cancels a payout whose funds are still only reserved, releasing them to `available`
 * and killing its claim link. Two concurrent cancels: one wins, the other gets
 * `invalid_state_transition` because the row is no longer in the status it read.
 */
export async function cancelPayout(
  db: DbOrTx,
  scope: Scope,
  params: { payoutId: string; reason?: string; actor?: string },
): Promise<PayoutRow> {
  return inTransaction(db, async (tx) => {
    const payout = await requirePayout(tx, scope, params.payoutId);
    if (!canTransition(payout.status, "canceled")) {
      throw new AppError(
        "invalid_state_transition",
        `A ${payout.status} payout cannot be canceled.`,
        {
          meta: { from: payout.status, to: "canceled" },
        },
      );
    }
    return transitionPayout(tx, scope, {
      payoutId: payout.id,
      from: payout.status,
      to: "canceled",
      reason: params.reason ?? "canceled_by_organisation",
      actor: params.actor,
    });
  });
}
