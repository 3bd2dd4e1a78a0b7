import type { DbOrTx } from "@/db/client";
import type { Scope } from "@/db/scope";
import { logError } from "@/lib/log";
import { loadLiveProviders } from "./credentials";
import type { FundingInstruction } from "./types";

/**
 * Where to send money so that it becomes `available` here, per currency: each connected
 * provider's balance (Stripe top-ups, Tremendous funding). Live balances are credited
 * only when the provider reports the money settled (lib/providers/webhooks.ts), never
 * from a form. Test mode has none: it is funded by test deposits.
 */
export async function fundingInstructions(db: DbOrTx, scope: Scope): Promise<FundingInstruction[]> {
  if (scope.mode !== "live") return [];
  const adapters = await loadLiveProviders(db, scope);
  const lists = await Promise.all(
    Object.values(adapters).map((adapter) =>
      adapter.fundingInstructions().catch((error) => {
        // One provider that cannot answer leaves the others' instructions standing.
        logError(`funding instructions from ${adapter.id}`, error);
        return [];
      }),
    ),
  );
  return lists
    .flat()
    .sort((a, b) => a.currency.localeCompare(b.currency) || a.provider.localeCompare(b.provider));
}
