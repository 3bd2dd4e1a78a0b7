import type { DbOrTx } from "@/db/client";
import type { Scope } from "@/db/scope";
import type { ScreenedRecipient } from "@/lib/payouts/screening";
import { currentNameIndex } from "./current-index";
import { type Decision, decide, type Finding } from "./findings";
import { clearedFindingKeys } from "./reviews";
import { screenParty } from "./screen";
import { loadComplianceSettings } from "./settings";
import { velocityFindings } from "./velocity";

export type ScreenedPayout = { payoutId: string; recipient: ScreenedRecipient };

/**
 * The engine's decision for each payout of a chunk: places, names (each recipient once,
 * however many payouts it has) and, before the link goes out, velocity limits. Costs a
 * few queries per chunk (settings, current lists, cleared findings, limits when set);
 * the names are screened in memory.
 */
export async function screenPayouts(
  db: DbOrTx,
  scope: Scope,
  payouts: ScreenedPayout[],
  options: { velocity: boolean },
): Promise<Map<string, Decision>> {
  const decisions = new Map<string, Decision>();
  if (payouts.length === 0) return decisions;
  const settings = await loadComplianceSettings(db, scope.organisationId);
  const index = await currentNameIndex(db);
  const recipientIds = [...new Set(payouts.map((p) => p.recipient.id))];
  const cleared = await clearedFindingKeys(db, scope, recipientIds);
  const velocity = options.velocity
    ? await velocityFindings(
        db,
        scope,
        payouts.map((p) => p.payoutId),
        settings,
      )
    : new Map<string, Finding[]>();
  const byRecipient = new Map<string, Finding[]>();
  for (const { payoutId, recipient } of payouts) {
    let party = byRecipient.get(recipient.id);
    if (!party) {
      party = screenParty(index, recipient, settings, cleared.get(recipient.id));
      byRecipient.set(recipient.id, party);
    }
    decisions.set(payoutId, decide([...party, ...(velocity.get(payoutId) ?? [])]));
  }
  return decisions;
}
