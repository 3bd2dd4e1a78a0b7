/**
 * Response headers for the claim pages. The token is in the URL, so nothing may leak it:
 * no Referer to any other site, no cache keeping the page, no framing. `same-origin`
 * rather than `no-referrer`: under `no-referrer` a form posted before hydration carries
 * `Origin: null`, which Next refuses as a cross-site Server Action. Scripts run only
 * with this response's nonce ('strict-dynamic' lets Next's own chunks load); the brand
 * colours arrive in one nonce'd <style>. Logos may come from the organisation's HTTPS host.
 * No Cross-Origin-Opener-Policy: it made Chromium swap processes on arrival, 200–350 ms
 * of blocked main thread on a phone (Lighthouse, mobile), and a page that could open the
 * link already knows the token.
 */
export function claimSecurityHeaders(options: {
  nonce: string;
  development: boolean;
}): Record<string, string> {
  const { nonce, development } = options;
  const policy = [
    "default-src 'self'",
    // React's development build evaluates strings for its stack traces; production never does.
    `script-src 'self' 'nonce-${nonce}' 'strict-dynamic'${development ? " 'unsafe-eval'" : ""}`,
    development ? "style-src 'self' 'unsafe-inline'" : `style-src 'self' 'nonce-${nonce}'`,
    "img-src 'self' data: https:",
    "font-src 'self'",
    "connect-src 'self'",
    "object-src 'none'",
    "base-uri 'none'",
    "form-action 'self'",
    "frame-ancestors 'none'",
  ].join("; ");
  return {
    "Content-Security-Policy": policy,
    "Referrer-Policy": "same-origin",
    "Cache-Control": "no-store, max-age=0",
    "X-Content-Type-Options": "nosniff",
    "X-Frame-Options": "DENY",
    "X-Robots-Tag": "noindex, nofollow",
    "Permissions-Policy": "camera=(), microphone=(), geolocation=(), payment=()",
  };
}

/** A fresh, unguessable nonce per response (128 bits, base64). */
export function newNonce(): string {
  return Buffer.from(crypto.getRandomValues(new Uint8Array(16))).toString("base64");
}
