import { brandPalette } from "@/lib/claims/brand-palette";

/**
 * The organisation's colours as CSS variables, for the React claim steps. A stylesheet
 * from our own origin rather than an inline <style>: every request gets a fresh CSP
 * nonce, so a <style> arriving with a client-side navigation would carry a nonce the
 * document's policy does not know, and be refused. Keyed by the colours only (no token),
 * so it is the same for every link of an organisation and caches for good.
 */
export function GET(request: Request) {
  const params = new URL(request.url).searchParams;
  const palette = brandPalette({
    primaryColor: `#${params.get("p") ?? ""}`,
    accentColor: `#${params.get("a") ?? ""}`,
  });
  const css = `:root{--claim-primary:${palette.primary};--claim-on-primary:${palette.onPrimary};--claim-primary-text:${palette.primaryText};--claim-accent:${palette.accent};--claim-on-accent:${palette.onAccent}}`;
  return new Response(css, {
    headers: {
      "Content-Type": "text/css; charset=utf-8",
      "Cache-Control": "public, max-age=31536000, immutable",
      "X-Content-Type-Options": "nosniff",
    },
  });
}
