import { ApiReference } from "@scalar/nextjs-api-reference";

const reference = ApiReference({
  url: "/api/v1/openapi.json",
  cdn: "/docs/api/standalone.js",
  pageTitle: "Disburse API reference",
  defaultHttpClient: { targetKey: "shell", clientKey: "curl" },
  hideClientButton: false,
  theme: "default",
  // The page works offline and under our CSP (font-src and connect-src 'self'): system
  // fonts rather than Scalar's font CDN, and none of the features that call Scalar's cloud
  // ("Ask AI", and the localhost-only share and deploy toolbar).
  withDefaultFonts: false,
  agent: { disabled: true },
  showDeveloperTools: "never",
});

/** Scalar's page, with this response's CSP nonce (proxy.ts) on its two script tags. */
export async function GET(request: Request) {
  const given = request.headers.get("x-nonce") ?? "";
  const nonce = /^[A-Za-z0-9+/=]+$/.test(given) ? given : "";
  const page = await reference().text();
  return new Response(page.replaceAll("<script", `<script nonce="${nonce}"`), {
    headers: { "Content-Type": "text/html; charset=utf-8" },
  });
}
