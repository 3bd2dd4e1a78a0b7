import { db } from "@/db/client";
import { relayEvents } from "@/inngest/relay";
import { finishHostedOnboarding } from "@/lib/claims/hosted-onboarding";
import { appUrl } from "@/lib/config";
import { claimSessionOrBounce } from "../same-site";

type Context = { params: Promise<{ token: string; method: string }> };

/** Where Stripe's hosted onboarding sends the recipient back: claim with the account, then watch. */
export async function GET(request: Request, context: Context) {
  const { token, method } = await context.params;
  const account = new URL(request.url).searchParams.get("account") ?? "";
  const base = `${appUrl()}/c/${encodeURIComponent(token)}`;
  const session = await claimSessionOrBounce(
    request,
    `${base}/methods/${encodeURIComponent(method)}/onboarded?account=${encodeURIComponent(account)}`,
  );
  if ("bounce" in session) return session.bounce;
  const outcome = await finishHostedOnboarding(db, { ...session, token, method, account });
  if (outcome === "claimed") {
    // The claim's event starts the submission now rather than at the next sweep.
    await relayEvents().catch(() => undefined);
    return Response.redirect(`${base}/status`, 303);
  }
  return Response.redirect(
    outcome === "not_ready" ? `${base}/methods/${encodeURIComponent(method)}` : base,
    303,
  );
}
