import { describe, expect, it } from "vitest";
import { isDecodablePath } from "./paths";
import { newNonce, pagePolicyFor, securityHeaders } from "./security-headers";

const nonce = "bm9uY2Utbm9uY2Utbm9uY2U=";

describe("pagePolicyFor", () => {
  it("gives claim links, the API reference and every other page their own policy", () => {
    expect(pagePolicyFor("/c/abc")).toBe("claim");
    expect(pagePolicyFor("/c/abc/methods/paypal")).toBe("claim");
    expect(pagePolicyFor("/c/brand.css")).toBe("app");
    expect(pagePolicyFor("/docs/api")).toBe("reference");
    for (const path of ["/", "/login", "/dashboard", "/dev/mailbox", "/demo/claim"]) {
      expect(pagePolicyFor(path), path).toBe("app");
    }
  });
});

describe("securityHeaders", () => {
  it("forbids framing, sniffing and foreign referrers on every page", () => {
    for (const policy of ["claim", "app", "reference"] as const) {
      const headers = securityHeaders({ policy, nonce, development: false, https: false });
      const csp = headers["Content-Security-Policy"];
      expect(csp, policy).toContain(`script-src 'self' 'nonce-${nonce}' 'strict-dynamic'`);
      expect(csp).toContain("frame-ancestors 'none'");
      expect(csp).toContain("object-src 'none'");
      expect(csp).toContain("base-uri 'none'");
      expect(csp).not.toMatch(/script-src[^;]*unsafe/);
      expect(headers["X-Frame-Options"]).toBe("DENY");
      expect(headers["X-Content-Type-Options"]).toBe("nosniff");
      expect(headers["Referrer-Policy"]).toBe("same-origin");
      expect(headers["Strict-Transport-Security"]).toBeUndefined();
    }
  });

  it("keeps claim pages free of any inline style and out of caches and search engines", () => {
    const headers = securityHeaders({ policy: "claim", nonce, development: false, https: false });
    expect(headers["Content-Security-Policy"]).toContain(`style-src 'self' 'nonce-${nonce}'`);
    expect(headers["Content-Security-Policy"]).not.toContain("unsafe-inline");
    expect(headers["Cache-Control"]).toBe("no-store, max-age=0");
    expect(headers["X-Robots-Tag"]).toBe("noindex, nofollow");
  });

  it("lets app pages use style attributes but not unnonced style elements", () => {
    const csp = securityHeaders({ policy: "app", nonce, development: false, https: false })[
      "Content-Security-Policy"
    ];
    expect(csp).toContain(`style-src 'self' 'nonce-${nonce}'`);
    expect(csp).toContain("style-src-attr 'unsafe-inline'");
    expect(csp).toContain("form-action 'self';");
  });

  it("lets the sign-in page's forms lead to the OAuth providers", () => {
    const csp = securityHeaders({
      policy: "app",
      nonce,
      development: false,
      https: false,
      signInPage: true,
    })["Content-Security-Policy"];
    expect(csp).toContain("form-action 'self' https://github.com https://accounts.google.com");
  });

  it("asks for HTTPS only when APP_URL is https", () => {
    const headers = securityHeaders({ policy: "app", nonce, development: false, https: true });
    expect(headers["Strict-Transport-Security"]).toBe("max-age=31536000; includeSubDomains");
  });

  it("allows eval only in development", () => {
    expect(
      securityHeaders({ policy: "app", nonce, development: true, https: false })[
        "Content-Security-Policy"
      ],
    ).toContain("'unsafe-eval'");
  });
});

describe("newNonce", () => {
  it("is fresh each time and 128 bits of base64", () => {
    const a = newNonce();
    expect(a).toMatch(/^[A-Za-z0-9+/]{22}==$/);
    expect(newNonce()).not.toBe(a);
  });
});

describe("isDecodablePath", () => {
  it("refuses paths with escapes that do not decode to UTF-8", () => {
    expect(isDecodablePath("/c/abc")).toBe(true);
    expect(isDecodablePath("/dashboard/payouts/po%5F1")).toBe(true);
    for (const bad of ["/c/%ZZ", "/c/%", "/dashboard/payouts/%E0%A4", "/dev/mailbox/%C3%28"]) {
      expect(isDecodablePath(bad), bad).toBe(false);
    }
  });
});
