import { cookies, headers } from "next/headers";
import { getRequestConfig } from "next-intl/server";
import { db } from "@/db/client";
import { LOCALE_COOKIE, negotiateLocale, resolveLocale } from "@/i18n/locales";
import { CLAIM_TOKEN_HEADER } from "@/lib/claims/claim-path";
import { claimAudience } from "@/lib/claims/links";

/**
 * No locale in the URL (a claim link must work exactly as emailed): the language comes
 * from the switcher's cookie, else the browser's Accept-Language, else English. A claim
 * page (proxy.ts names its link in a header) also weighs its recipient: the locale the
 * platform gave comes before the browser's, their country's language after it, and its
 * `locale` is the full tag (`es-US`, `fr-CA`) so amounts and dates are written the way
 * the recipient writes them.
 */
export default getRequestConfig(async () => {
  const [cookieStore, headerList] = await Promise.all([cookies(), headers()]);
  const cookie = cookieStore.get(LOCALE_COOKIE)?.value;
  const acceptLanguage = headerList.get("accept-language");
  const token = headerList.get(CLAIM_TOKEN_HEADER);
  if (token) {
    const recipient = await claimAudience(db, token);
    const { language, tag } = resolveLocale({ cookie, acceptLanguage, recipient });
    const messages = (await import(`../messages/${language}.json`)).default;
    return { locale: tag, messages, timeZone: "UTC" };
  }
  const locale = negotiateLocale({ cookie, acceptLanguage });
  const messages = (await import(`../messages/${locale}.json`)).default;
  return { locale, messages, timeZone: "UTC" };
});
