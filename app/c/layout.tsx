import { getLocale } from "next-intl/server";

/**
 * The root layout is shared with the dashboard and says lang="en"; the claim pages speak
 * the recipient's language, so their whole subtree declares it (WCAG 3.1.2).
 */
export default async function ClaimLayout({ children }: { children: React.ReactNode }) {
  const locale = await getLocale();
  return (
    <div lang={locale} className="min-h-dvh bg-white">
      {children}
    </div>
  );
}
