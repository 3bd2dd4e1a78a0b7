/** The languages the claim pages speak; the order is the switcher's order. */
export const locales = ["en", "es", "fr", "de", "pt-BR", "hi"] as const;
export type Locale = (typeof locales)[number];
export const defaultLocale: Locale = "en";

/** The cookie the language switcher sets; it beats the browser's Accept-Language. */
export const LOCALE_COOKIE = "locale";

/** Each language named in itself, so a reader finds theirs whatever the page's language. */
export const localeNames: Record<Locale, string> = {
  en: "English",
  es: "Español",
  fr: "Français",
  de: "Deutsch",
  "pt-BR": "Português (Brasil)",
  hi: "हिन्दी",
};

export function isLocale(value: unknown): value is Locale {
  return typeof value === "string" && (locales as readonly string[]).includes(value);
}

/** A supported locale for a language tag: exact match first, then by language ("pt-PT" → "pt-BR"). */
export function matchLocale(tag: string): Locale | null {
  const wanted = tag.trim().toLowerCase();
  if (!wanted || wanted === "*") return null;
  const exact = locales.find((l) => l.toLowerCase() === wanted);
  if (exact) return exact;
  const language = wanted.split("-")[0];
  return locales.find((l) => l.toLowerCase().split("-")[0] === language) ?? null;
}

/** Parses an Accept-Language header (RFC 9110 §12.5.4) into tags by descending weight. */
export function parseAcceptLanguage(header: string | null | undefined): string[] {
  if (!header) return [];
  return header
    .split(",")
    .map((part, index) => {
      const [tag = "", ...params] = part.trim().split(";");
      const q = params.map((p) => p.trim()).find((p) => p.startsWith("q="));
      const weight = q ? Number(q.slice(2)) : 1;
      return { tag: tag.trim(), weight: Number.isFinite(weight) ? weight : 0, index };
    })
    .filter((entry) => entry.tag && entry.weight > 0)
    .sort((a, b) => b.weight - a.weight || a.index - b.index)
    .map((entry) => entry.tag);
}

/** The switcher's choice if valid, else the browser's best supported language, else English. */
export function negotiateLocale(input: {
  cookie?: string | null;
  acceptLanguage?: string | null;
}): Locale {
  if (isLocale(input.cookie)) return input.cookie;
  for (const tag of parseAcceptLanguage(input.acceptLanguage)) {
    const match = matchLocale(tag);
    if (match) return match;
  }
  return defaultLocale;
}

/**
 * The main language of a country, among those the claim speaks, for a recipient the
 * platform gave no locale: what the first email and page speak before the recipient
 * says otherwise. Countries not listed get English. Kept to languages a clear majority
 * reads, so a guess rarely lands on a language the recipient does not read.
 */
const countryLanguages: Record<Exclude<Locale, "en">, readonly string[]> = {
  es: [
    ...["ES", "MX", "AR", "CO", "CL", "PE", "VE", "EC", "GT", "CU", "BO", "DO", "HN", "PY"],
    ...["SV", "NI", "CR", "PA", "UY", "PR", "GQ"],
  ],
  fr: [
    ...["FR", "MC", "SN", "CI", "ML", "BF", "NE", "TG", "BJ", "GN", "CD", "CG", "GA", "MG"],
    ...["HT", "PF", "NC", "RE", "GP", "MQ", "GF", "YT", "BL", "MF", "PM", "WF"],
  ],
  de: ["DE", "AT", "LI"],
  "pt-BR": ["BR", "PT", "AO", "MZ", "CV", "GW", "ST", "TL"],
  hi: ["IN"],
};
const languageOfCountry = new Map<string, Locale>(
  Object.entries(countryLanguages).flatMap(([language, countries]) =>
    countries.map((country) => [country, language as Locale]),
  ),
);

/** `fr-CA`, `pt-BR`, `hi-IN`: the country's main language with the country as region. */
export function localeForCountry(country: string): string {
  const language = languageOfCountry.get(country) ?? defaultLocale;
  return `${language.split("-")[0]}-${country}`;
}

/** The claim language of a BCP 47 tag (`es-US` → `es`, `pt-PT` → `pt-BR`), or null. */
export function languageOf(tag: string | null | undefined): Locale | null {
  return tag ? matchLocale(tag) : null;
}

/**
 * A platform-given locale in canonical form (`fr-ca` → `fr-CA`), or null when it is not a
 * well-formed BCP 47 tag or not in a language the claim speaks.
 */
export function canonicalLocale(value: string): string | null {
  try {
    const [tag] = Intl.getCanonicalLocales(value.trim());
    return tag && languageOf(tag) ? tag : null;
  } catch {
    return null;
  }
}

function regionOf(tag: string): string | undefined {
  try {
    return new Intl.Locale(tag).region;
  } catch {
    return undefined;
  }
}

/**
 * What a page or email for a recipient speaks (`language`, one of ours) and how it writes
 * amounts and dates (`tag`, a full locale: es-US writes "$1,234.56", fr-CA "1 234,56 $").
 *
 * The language: the switcher's cookie, else the locale the platform gave for the
 * recipient, else the browser's Accept-Language, else the recipient's country's main
 * language, else English. The region: the chosen source's own (`es-US`, `fr-CA`), else the
 * platform-given locale's when it is the same language, else the recipient's country.
 */
export function resolveLocale(input: {
  cookie?: string | null;
  acceptLanguage?: string | null;
  recipient?: { locale: string | null; country: string } | null;
}): { language: Locale; tag: string } {
  const given = input.recipient?.locale ?? null;
  const country = input.recipient?.country;
  const sources = [
    ...(isLocale(input.cookie) ? [input.cookie] : []),
    ...(given ? [given] : []),
    ...parseAcceptLanguage(input.acceptLanguage),
    ...(country ? [localeForCountry(country)] : []),
  ];
  for (const source of sources) {
    const language = languageOf(source);
    if (!language) continue;
    // The switcher's choices are languages; pt-BR's region is part of its name.
    const own = source === input.cookie ? undefined : regionOf(source);
    const region =
      own ??
      (given && languageOf(given) === language ? regionOf(given) : undefined) ??
      country ??
      regionOf(language);
    const base = language.split("-")[0] as string;
    return { language, tag: region ? `${base}-${region}` : base };
  }
  return { language: defaultLocale, tag: country ? `en-${country}` : defaultLocale };
}
