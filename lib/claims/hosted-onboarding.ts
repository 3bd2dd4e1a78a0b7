import type { DbOrTx } from "@/db/client";
import { appUrl } from "@/lib/config";
import { applyPayoutEvent, choosableStatuses } from "@/lib/payouts/machine";
import { loadStripe } from "@/lib/providers/credentials";
import type { StripeProvider } from "@/lib/providers/stripe";
import { claimMethods } from "./claim-flow";
import { type ClaimContext, resolveClaimToken } from "./links";
import { readClaimSession } from "./session";

type Verified = { claim: ClaimContext; method: string; stripe: StripeProvider };

/** The verified recipient of this link, choosing a live bank method Stripe pays. */
async function verifiedBankClaim(
  db: DbOrTx,
  input: { token: string; sessionToken?: string; method: string },
): Promise<Verified | null> {
  const claim = await resolveClaimToken(db, input.token);
  if (claim?.payout.mode !== "live") return null;
  const session = await readClaimSession(db, {
    token: input.sessionToken,
    claimLinkId: claim.link.id,
  });
  if (!session || session.payoutId !== claim.payout.id) return null;
  if (!choosableStatuses.includes(claim.payout.status)) return null;
  const method = claimMethods(claim).eligible.find((m) => m.id === input.method);
  if (method?.provider !== "stripe") return null;
  const stripe = await loadStripe(db, {
    organisationId: claim.payout.organisationId,
    mode: "live",
  });
  return stripe ? { claim, method: method.id, stripe } : null;
}

/**
 * Sends the recipient to Stripe's hosted onboarding for their payout's Express account
 * (one per payout, created under an idempotency key), where they type their bank
 * details: those never reach us. Stripe sends them back to our `onboarded` route.
 */
export async function startHostedOnboarding(
  db: DbOrTx,
  input: { token: string; sessionToken?: string; method: string },
): Promise<{ url: string } | null> {
  const verified = await verifiedBankClaim(db, input);
  if (!verified) return null;
  const { claim, stripe } = verified;
  const account = await stripe.createRecipientAccount({
    payoutId: claim.payout.id,
    email: claim.recipient.email,
    country: claim.recipient.country,
  });
  const base = `${appUrl()}/c/${input.token}/methods/${verified.method}`;
  const url = await stripe.onboardingLink({
    account,
    returnUrl: `${base}/onboarded?account=${encodeURIComponent(account)}`,
    // An expired or already used link: a fresh one (app/c/[token]/methods/[method]/onboarding).
    refreshUrl: `${base}/onboarding`,
  });
  return { url };
}

/**
 * Back from Stripe: when the account Stripe made for this payout has its details and
 * can be paid, the payout is claimed with that account (and nothing else) as its details.
 */
export async function finishHostedOnboarding(
  db: DbOrTx,
  input: { token: string; sessionToken?: string; method: string; account: string },
): Promise<"claimed" | "not_ready" | "invalid"> {
  const verified = await verifiedBankClaim(db, input);
  if (!verified || !/^acct_[A-Za-z0-9]+$/.test(input.account)) return "invalid";
  const { claim, stripe } = verified;
  if (!(await stripe.recipientReady(input.account, claim.payout.id))) return "not_ready";
  const { moved } = await applyPayoutEvent(
    db,
    { organisationId: claim.payout.organisationId, mode: "live" },
    claim.payout.id,
    "claim",
    {
      actor: "recipient",
      reason: (from) =>
        from === "claimable" ? undefined : `recipient chose another method after ${from}`,
      changes: {
        method: verified.method,
        methodDetails: { connectedAccount: input.account },
        failureReason: null,
        failureCode: null,
        providerReference: null,
      },
    },
  );
  return moved.length > 0 ? "claimed" : "invalid";
}
