import { cookies } from "next/headers";
import { CLAIM_SESSION_COOKIE } from "@/lib/claims/session";
import { escapeHtml } from "@/lib/mail/templates/layout";

/**
 * The claim session for a request Stripe's hosted onboarding sent here, or a page that
 * asks for `again` from our own origin. A browser withholds the SameSite=Strict claim
 * session from a navigation another site started; the same address, asked again from
 * our own page, carries it.
 */
export async function claimSessionOrBounce(
  request: Request,
  again: string,
): Promise<{ sessionToken: string | undefined } | { bounce: Response }> {
  const sessionToken = (await cookies()).get(CLAIM_SESSION_COOKIE)?.value;
  if (sessionToken || request.headers.get("sec-fetch-site") !== "cross-site") {
    return { sessionToken };
  }
  return {
    bounce: new Response(
      `<!doctype html><meta charset="utf-8"><meta http-equiv="refresh" content="0;url=${escapeHtml(again)}">`,
      {
        headers: {
          "content-type": "text/html; charset=utf-8",
          "cache-control": "no-store",
          "referrer-policy": "no-referrer",
        },
      },
    ),
  };
}
