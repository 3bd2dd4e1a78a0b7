import { ApiReference } from "@scalar/nextjs-api-reference";

const HEADER_HEIGHT = "3rem";

const reference = ApiReference({
  url: "/api/v1/openapi.json",
  cdn: "/docs/api/standalone.js",
  pageTitle: "Disburse API reference",
  defaultHttpClient: { targetKey: "shell", clientKey: "curl" },
  hideClientButton: false,
  theme: "default",
  // The page works offline and under our CSP (font-src and connect-src 'self'): system
  // fonts rather than Scalar's font CDN, and none of the features that call Scalar's cloud
  // ("Ask AI", telemetry, and the share, register and deploy toolbar).
  withDefaultFonts: false,
  agent: { disabled: true },
  telemetry: false,
  showDeveloperTools: "never",
  // Scalar lays its sidebar out below a custom header of this height.
  customCss: `:root { --scalar-custom-header-height: ${HEADER_HEIGHT}; }
.disburse-header { position: sticky; top: 0; z-index: 100; height: ${HEADER_HEIGHT}; box-sizing: border-box;
  display: flex; align-items: center; justify-content: space-between; gap: 1rem; padding: 0 1rem;
  background: #312e81; color: #fff; font: 500 0.9375rem/1.2 system-ui, sans-serif; }
.disburse-header a { color: #fff; text-decoration: none; }
.disburse-header a:hover, .disburse-header a:focus-visible { text-decoration: underline; }
.disburse-header p { margin: 0; white-space: nowrap; }
.disburse-header nav { display: flex; gap: 1rem; }
@media (max-width: 420px) {
  .disburse-header { gap: 0.75rem; padding: 0 0.75rem; font-size: 0.875rem; }
  .disburse-header nav { gap: 0.75rem; }
}`,
});

/** Our own header above Scalar's page: what this is, and the way back. */
const header = `<header class="disburse-header">
      <p><a href="/"><strong>Disburse</strong></a> · API reference</p>
      <nav aria-label="Disburse"><a href="/">Home</a><a href="/dashboard">Dashboard</a></nav>
    </header>`;

/** Scalar's page, with this response's CSP nonce (proxy.ts) on its two script tags. */
export async function GET(request: Request) {
  const given = request.headers.get("x-nonce") ?? "";
  const nonce = /^[A-Za-z0-9+/=]+$/.test(given) ? given : "";
  const page = await reference().text();
  return new Response(
    page
      .replace("<html>", '<html lang="en">')
      .replace("<body>", `<body>\n    ${header}`)
      .replaceAll("<script", `<script nonce="${nonce}"`),
    { headers: { "Content-Type": "text/html; charset=utf-8" } },
  );
}
