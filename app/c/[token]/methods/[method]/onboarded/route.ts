import { cookies } from "next/headers";
import { db } from "@/db/client";
import { relayEvents } from "@/inngest/relay";
import { finishHostedOnboarding } from "@/lib/claims/hosted-onboarding";
import { CLAIM_SESSION_COOKIE } from "@/lib/claims/session";
import { appUrl } from "@/lib/config";

type Context = { params: Promise<{ token: string; method: string }> };

/** Where Stripe's hosted onboarding sends the recipient back: claim with the account, then watch. */
export async function GET(request: Request, context: Context) {
  const { token, method } = await context.params;
  const account = new URL(request.url).searchParams.get("account") ?? "";
  const sessionToken = (await cookies()).get(CLAIM_SESSION_COOKIE)?.value;
  const outcome = await finishHostedOnboarding(db, { token, sessionToken, method, account });
  const base = `${appUrl()}/c/${encodeURIComponent(token)}`;
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
