import { db } from "@/db/client";
import { startHostedOnboarding } from "@/lib/claims/hosted-onboarding";
import { appUrl } from "@/lib/config";
import { claimSessionOrBounce } from "../same-site";

type Context = { params: Promise<{ token: string; method: string }> };

/**
 * Stripe's `refresh_url`: its onboarding link expired or was already used (the recipient
 * reloaded, came back later, went back). As Stripe asks, a fresh link for the same
 * account, and straight on to it; the claim when the payout can no longer be onboarded.
 */
export async function GET(request: Request, context: Context) {
  const { token, method } = await context.params;
  const base = `${appUrl()}/c/${encodeURIComponent(token)}`;
  const session = await claimSessionOrBounce(
    request,
    `${base}/methods/${encodeURIComponent(method)}/onboarding`,
  );
  if ("bounce" in session) return session.bounce;
  const started = await startHostedOnboarding(db, { ...session, token, method });
  return Response.redirect(started ? started.url : base, 303);
}
