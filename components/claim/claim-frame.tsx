import { getLocale, getTranslations } from "next-intl/server";
import { defaultLocale, languageOf } from "@/i18n/locales";
import { LanguageSwitcher } from "./language-switcher";

export type FrameBranding = {
  name: string;
  logoUrl: string | null;
  primaryColor: string;
  accentColor: string;
  supportEmail: string | null;
};

/**
 * The organisation's shell around every claim step: its name, logo and colours (made
 * accessible where they are not), its support contact, and the language switcher.
 * Disburse itself never appears: the recipient is dealing with the platform.
 */
export async function ClaimFrame({
  branding,
  testMode,
  token,
  back,
  children,
}: {
  branding: FrameBranding;
  testMode: boolean;
  /** The claim token: the language switcher posts to the claim link. */
  token: string;
  /** This page's path, where the switcher comes back to. */
  back: string;
  children: React.ReactNode;
}) {
  const [t, locale] = await Promise.all([getTranslations("claim.frame"), getLocale()]);
  const colours = new URLSearchParams({
    p: branding.primaryColor.replace(/^#/, ""),
    a: branding.accentColor.replace(/^#/, ""),
  });
  return (
    <>
      <link rel="stylesheet" href={`/c/brand.css?${colours}`} precedence="claim-brand" />
      <a
        href="#main"
        className="sr-only focus:not-sr-only focus:absolute focus:left-2 focus:top-2 focus:z-10 focus:rounded focus:bg-white focus:px-3 focus:py-2 focus:text-slate-900"
      >
        {t("skip")}
      </a>
      <header className="bg-(--claim-accent) text-(--claim-on-accent)">
        <div className="mx-auto flex max-w-md items-center gap-3 px-4 py-3">
          {branding.logoUrl ? null : (
            <span
              aria-hidden="true"
              className="flex size-8 items-center justify-center rounded bg-(--claim-primary) font-bold text-(--claim-on-primary)"
            >
              {branding.name.slice(0, 1).toUpperCase()}
            </span>
          )}
          <p className="font-semibold">{branding.name}</p>
          {branding.logoUrl ? (
            // Decorative (the name is written beside it), and at the right edge so that, whatever
            // its shape, its loading moves nothing. A plain <img>: the logo is the organisation's
            // own URL, and the image optimiser would need every host allow-listed.
            // biome-ignore lint/performance/noImgElement: see above
            <img
              src={branding.logoUrl}
              alt=""
              height={32}
              className="ml-auto h-8 w-auto max-w-32 rounded bg-white object-contain px-1 py-0.5"
              decoding="async"
              referrerPolicy="no-referrer"
            />
          ) : null}
        </div>
        {/* Inside the banner landmark, so no content sits outside one (axe `region`). */}
        {testMode ? (
          <p className="bg-amber-100 px-4 py-1.5 text-center text-sm text-amber-950">
            {t("testMode")}
          </p>
        ) : null}
      </header>
      <main
        id="main"
        tabIndex={-1}
        className="mx-auto flex max-w-md flex-col gap-5 px-4 py-6 focus:outline-none"
      >
        {children}
      </main>
      <footer className="mx-auto flex max-w-md flex-col gap-4 border-t border-slate-200 px-4 py-6 text-sm text-slate-700">
        <p>
          {branding.supportEmail
            ? t.rich("support", {
                organisation: branding.name,
                email: branding.supportEmail,
                link: (chunks) => (
                  <a
                    className="font-medium text-(--claim-primary-text) underline"
                    href={`mailto:${branding.supportEmail}`}
                  >
                    {chunks}
                  </a>
                ),
              })
            : t("supportNoEmail", { organisation: branding.name })}
        </p>
        <LanguageSwitcher
          current={languageOf(locale) ?? defaultLocale}
          label={t("language")}
          submit={t("changeLanguage")}
          action={`/c/${token}`}
          back={back}
        />
      </footer>
    </>
  );
}
