import { cookies, headers } from "next/headers";
import { cache } from "react";
import { db } from "@/db/client";
import { type ClaimView, openClaim } from "@/lib/claims/claim-flow";
import type { ClaimContext } from "@/lib/claims/links";
import { CLAIM_SESSION_COOKIE } from "@/lib/claims/session";

/** One resolution per request, shared by the page and its metadata. */
export const claimView = cache(async (token: string): Promise<ClaimView> => {
  const sessionToken = (await cookies()).get(CLAIM_SESSION_COOKIE)?.value;
  return openClaim(db, { token, sessionToken });
});

/** The client's address as the nearest proxy saw it: the last X-Forwarded-For hop. */
export async function clientIp(): Promise<string> {
  const list = await headers();
  const forwarded = list
    .get("x-forwarded-for")
    ?.split(",")
    .map((s) => s.trim())
    .filter(Boolean);
  return forwarded?.at(-1) ?? list.get("x-real-ip") ?? "unknown";
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
