import type { Metadata, Viewport } from "next";
import { headers } from "next/headers";
import { connection } from "next/server";
import { getLocale } from "next-intl/server";
import { defaultLocale, languageOf } from "@/i18n/locales";
import { CLAIM_TOKEN_HEADER } from "@/lib/claims/claim-path";
import "./globals.css";

export const metadata: Metadata = {
  title: { default: "Disburse", template: "%s · Disburse" },
  description: "Open-source payouts: fund a balance, send claim links, get people paid.",
};

export const viewport: Viewport = { width: "device-width", initialScale: 1 };

export default async function RootLayout({ children }: { children: React.ReactNode }) {
  // Every page is rendered per request: its scripts carry that response's CSP nonce
  // (proxy.ts), which a page prerendered at build time could not know.
  await connection();
  // The dashboard and docs are in English; a claim page speaks its recipient's language
  // (app/i18n-request.ts), and says so on <html> (WCAG 3.1.1).
  const lang = (await headers()).has(CLAIM_TOKEN_HEADER)
    ? (languageOf(await getLocale()) ?? defaultLocale)
    : defaultLocale;
  return (
    <html lang={lang}>
      <body className="min-h-dvh bg-slate-50 font-sans text-slate-900 antialiased">{children}</body>
    </html>
  );
}
