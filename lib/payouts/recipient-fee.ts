import { eq } from "drizzle-orm";
import type { DbOrTx } from "@/db/client";
import { organisations } from "@/db/schema";
import { methodFee } from "@/lib/methods/fees";
import type { MethodId } from "@/lib/methods/types";
import type { Currency } from "@/lib/money";

/**
 * What a recipient will be paid when the organisation has them bear the method's fee
 * (live mode only, and only a fee smaller than the amount; otherwise the platform
 * bears it): the claim page shows it before they confirm. Null when nothing is withheld.
 * The same rule as the submission's (lib/payouts/submission.ts).
 */
export async function feeWithheldFromRecipient(
  db: DbOrTx,
  payout: { organisationId: string; mode: string; amount: bigint; currency: string },
  method: MethodId,
): Promise<{ fee: bigint; receives: bigint } | null> {
  if (payout.mode !== "live") return null;
  const [organisation] = await db
    .select({ feeBearer: organisations.feeBearer })
    .from(organisations)
    .where(eq(organisations.id, payout.organisationId));
  if (organisation?.feeBearer !== "recipient") return null;
  let fee: bigint;
  try {
    fee = methodFee(method, { amount: payout.amount, currency: payout.currency as Currency });
  } catch {
    return null;
  }
  if (fee === 0n || fee >= payout.amount) return null;
  return { fee, receives: payout.amount - fee };
}
