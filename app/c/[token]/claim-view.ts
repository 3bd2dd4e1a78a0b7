import { cookies, headers } from "next/headers";
import { cache } from "react";
import { db } from "@/db/client";
import { type ClaimView, openClaim } from "@/lib/claims/claim-flow";
import type { ClaimContext } from "@/lib/claims/links";
import { CLAIM_SESSION_COOKIE } from "@/lib/claims/session";
import { config } from "@/lib/config";
import { clientAddress } from "@/lib/http/client-ip";

/** One resolution per request, shared by the page and its metadata. */
export const claimView = cache(async (token: string): Promise<ClaimView> => {
  const sessionToken = (await cookies()).get(CLAIM_SESSION_COOKIE)?.value;
  return openClaim(db, { token, sessionToken });
});

/** The client's address: the socket peer, or what trusted proxies say (TRUSTED_PROXIES). */
export async function clientIp(): Promise<string> {
  return clientAddress(await headers(), config().TRUSTED_PROXIES);
}

/** What every step's ClaimFrame needs: the brand, the mode banner and where the switcher returns. */
export function frameFor(token: string, claim: ClaimContext, step: string) {
  return {
    branding: claim.branding,
    testMode: claim.payout.mode === "test",
    token,
    back: `/c/${token}${step}`,
  };
}
