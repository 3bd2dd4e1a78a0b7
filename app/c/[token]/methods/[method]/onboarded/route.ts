import { cookies } from "next/headers";
import { db } from "@/db/client";
import { relayEvents } from "@/inngest/relay";
import { finishHostedOnboarding } from "@/lib/claims/hosted-onboarding";
import { CLAIM_SESSION_COOKIE } from "@/lib/claims/session";
import { appUrl } from "@/lib/config";
import { escapeHtml } from "@/lib/mail/templates/layout";

type Context = { params: Promise<{ token: string; method: string }> };

/** Where Stripe's hosted onboarding sends the recipient back: claim with the account, then watch. */
export async function GET(request: Request, context: Context) {
  const { token, method } = await context.params;
  const account = new URL(request.url).searchParams.get("account") ?? "";
  const sessionToken = (await cookies()).get(CLAIM_SESSION_COOKIE)?.value;
  if (!sessionToken && request.headers.get("sec-fetch-site") === "cross-site") {
    // Stripe's page sends the recipient here, and a browser withholds the SameSite=Strict
    // claim session from a navigation another site started. The same address, asked
    // again from our own page, carries it.
    const again = `${appUrl()}/c/${encodeURIComponent(token)}/methods/${encodeURIComponent(method)}/onboarded?account=${encodeURIComponent(account)}`;
    return new Response(
      `<!doctype html><meta charset="utf-8"><meta http-equiv="refresh" content="0;url=${escapeHtml(again)}">`,
      {
        headers: {
          "content-type": "text/html; charset=utf-8",
          "cache-control": "no-store",
          "referrer-policy": "no-referrer",
        },
      },
    );
  }
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
