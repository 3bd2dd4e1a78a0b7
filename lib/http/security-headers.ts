/**
 * Response headers for every page. Each page's scripts run only with that response's
 * nonce ('strict-dynamic' lets Next's own chunks load), nothing may frame a page, no
 * Referer leaves for another site, and MIME types are never sniffed. Three policies:
 *
 * - `claim`: the token is in the URL, so nothing may leak it: no cache keeping the page,
 *   no indexing, styles only with the nonce (the brand colours arrive in one nonce'd
 *   <style>). Logos may come from the organisation's HTTPS host.
 * - `app` (dashboard, sign-in, landing, dev mailbox): as strict, except that inline
 *   `style` attributes are allowed, not <style> elements: React renders `style` props as
 *   attributes (charts, progress bars, the branding preview) and an attribute cannot
 *   carry a nonce.
 * - `reference` (/docs/api): Scalar's bundle inserts its own <style> elements at run
 *   time, so styles are not restricted there; scripts still need the nonce.
 *
 * `same-origin` referrers rather than `no-referrer`: under `no-referrer` a form posted
 * before hydration carries `Origin: null`, which Next refuses as a cross-site Server
 * Action. No Cross-Origin-Opener-Policy: it made Chromium swap processes on arrival at a
 * claim link, 200–350 ms of blocked main thread on a phone (Lighthouse, mobile), and a
 * page that could open the link already knows the token.
 */
export type PagePolicy = "claim" | "app" | "reference";

/** Which policy a path's response gets. */
export function pagePolicyFor(pathname: string): PagePolicy {
  if (pathname === "/docs/api") return "reference";
  if (pathname.startsWith("/c/") && pathname !== "/c/brand.css") return "claim";
  return "app";
}

/**
 * Where the sign-in page's OAuth buttons lead: without JavaScript the button is a form
 * post answered with a redirect to the provider, and `form-action` also covers redirects.
 */
const OAUTH_AUTHORIZE_ORIGINS = ["https://github.com", "https://accounts.google.com"];

export function securityHeaders(options: {
  policy: PagePolicy;
  nonce: string;
  /** `npm run dev`: React's development build needs eval and unnonced styles. */
  development: boolean;
  /** APP_URL is https: browsers are told to come back over https only. */
  https: boolean;
  /** The sign-in page, whose forms may lead to an OAuth provider. */
  signInPage?: boolean;
}): Record<string, string> {
  const { policy, nonce, development, https, signInPage = false } = options;
  const scriptSrc = `script-src 'self' 'nonce-${nonce}' 'strict-dynamic'${development ? " 'unsafe-eval'" : ""}`;
  const styleSrc =
    development || policy === "reference"
      ? ["style-src 'self' 'unsafe-inline'"]
      : [
          `style-src 'self' 'nonce-${nonce}'`,
          ...(policy === "app" ? ["style-src-attr 'unsafe-inline'"] : []),
        ];
  const csp = [
    "default-src 'self'",
    scriptSrc,
    ...styleSrc,
    "img-src 'self' data: https:",
    "font-src 'self'",
    "connect-src 'self'",
    "object-src 'none'",
    "base-uri 'none'",
    `form-action 'self'${signInPage ? ` ${OAUTH_AUTHORIZE_ORIGINS.join(" ")}` : ""}`,
    "frame-ancestors 'none'",
  ].join("; ");
  return {
    "Content-Security-Policy": csp,
    "Referrer-Policy": "same-origin",
    "X-Content-Type-Options": "nosniff",
    "X-Frame-Options": "DENY",
    "Permissions-Policy": "camera=(), microphone=(), geolocation=(), payment=()",
    // A year, the usual minimum for preload lists; subdomains of the app's own host only.
    ...(https ? { "Strict-Transport-Security": "max-age=31536000; includeSubDomains" } : {}),
    ...(policy === "claim"
      ? { "Cache-Control": "no-store, max-age=0", "X-Robots-Tag": "noindex, nofollow" }
      : {}),
  };
}

/** A fresh, unguessable nonce per response (128 bits, base64). */
export function newNonce(): string {
  return Buffer.from(crypto.getRandomValues(new Uint8Array(16))).toString("base64");
}
