import { type NextRequest, NextResponse } from "next/server";
import { malformedPathResponse } from "@/lib/api/problem";
import { CLAIM_TOKEN_HEADER, claimTokenInPath } from "@/lib/claims/claim-path";
import { appUrl } from "@/lib/config";
import { isDecodablePath } from "@/lib/http/paths";
import { newNonce, pagePolicyFor, securityHeaders } from "@/lib/http/security-headers";

/** A path no route serves, so Next renders its not-found page with a 404. */
const NOT_FOUND_PATH = "/_malformed-path";

/**
 * Every page gets its security headers and a per-request CSP nonce. Next reads the nonce
 * from the request's Content-Security-Policy header and stamps it on its own scripts;
 * route handlers that write their own HTML read `x-nonce`.
 */
export function proxy(request: NextRequest) {
  const { pathname } = request.nextUrl;
  if (pathname.startsWith("/api/")) return apiProxy(request);
  const nonce = newNonce();
  const headers = securityHeaders({
    policy: pagePolicyFor(pathname),
    nonce,
    development: process.env.NODE_ENV === "development",
    https: appUrl().startsWith("https://"),
    signInPage: pathname === "/login",
  });
  const requestHeaders = new Headers(request.headers);
  requestHeaders.set("x-nonce", nonce);
  requestHeaders.set("Content-Security-Policy", headers["Content-Security-Policy"] as string);
  // A claim page speaks its recipient's language (app/i18n-request.ts); only the path says whose.
  const claimToken = claimTokenInPath(pathname);
  if (claimToken) requestHeaders.set(CLAIM_TOKEN_HEADER, claimToken);
  else requestHeaders.delete(CLAIM_TOKEN_HEADER);
  // Next decodes each dynamic segment and answers a bare 500 when one is not valid
  // percent-encoding (`/c/%ZZ`); such a path names nothing, so it gets the not-found page.
  const response = isDecodablePath(pathname)
    ? NextResponse.next({ request: { headers: requestHeaders } })
    : NextResponse.rewrite(new URL(NOT_FOUND_PATH, request.url), {
        request: { headers: requestHeaders },
      });
  for (const [name, value] of Object.entries(headers)) response.headers.set(name, value);
  return response;
}

/**
 * API paths reach the proxy only when they hold a percent sign. Next answers a bare 500
 * to one that is not valid percent-encoding (`/api/v1/payouts/%C0%AE`) before any route
 * runs, and decodes a rewritten path twice, so the proxy answers it: a path that names
 * nothing, as the API answers one (404 problem+json with a request id).
 */
function apiProxy(request: NextRequest) {
  const { pathname } = request.nextUrl;
  if (isDecodablePath(pathname)) return NextResponse.next();
  return malformedPathResponse(pathname);
}

export const config = {
  // Pages, and API paths with a percent sign (see `apiProxy`): the API answers JSON to
  // bearer keys itself, and built assets are immutable files.
  matcher: ["/((?!api/|_next/static/|_next/image|favicon\\.ico).*)", "/api/:path(.*%.*)"],
};
