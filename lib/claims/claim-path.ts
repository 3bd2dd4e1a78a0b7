/**
 * The request header through which proxy.ts tells a claim page's rendering which claim
 * link it serves, so the page's language can follow its recipient (app/i18n-request.ts)
 * before any page code runs. The proxy sets it from the path and drops any copy a
 * client sent.
 */
export const CLAIM_TOKEN_HEADER = "x-claim-token";

/** The token of a claim page's path (`/c/{token}` and the steps under it), or null. */
export function claimTokenInPath(pathname: string): string | null {
  return /^\/c\/([A-Za-z0-9_-]{43})(?:\/|$)/.exec(pathname)?.[1] ?? null;
}
