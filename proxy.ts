import { type NextRequest, NextResponse } from "next/server";
import { claimSecurityHeaders, newNonce } from "@/lib/claims/security-headers";

/**
 * Claim pages get a per-request CSP nonce. Next reads it from the request's
 * Content-Security-Policy header and stamps it on its own scripts; pages read `x-nonce`.
 */
export function proxy(request: NextRequest) {
  const nonce = newNonce();
  const headers = claimSecurityHeaders({
    nonce,
    development: process.env.NODE_ENV === "development",
  });
  const requestHeaders = new Headers(request.headers);
  requestHeaders.set("x-nonce", nonce);
  requestHeaders.set("Content-Security-Policy", headers["Content-Security-Policy"] as string);
  const response = NextResponse.next({ request: { headers: requestHeaders } });
  for (const [name, value] of Object.entries(headers)) response.headers.set(name, value);
  return response;
}

export const config = {
  // Not the brand stylesheet: it holds no token and should cache.
  matcher: ["/c/((?!brand\\.css).*)"],
};
