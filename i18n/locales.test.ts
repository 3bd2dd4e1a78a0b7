import { describe, expect, it } from "vitest";
import { formatMoney } from "@/lib/money";
import { canonicalLocale, negotiateLocale, parseAcceptLanguage, resolveLocale } from "./locales";

describe("negotiateLocale", () => {
  it("prefers the switcher's cookie over the browser", () => {
    expect(negotiateLocale({ cookie: "hi", acceptLanguage: "de-DE,de;q=0.9" })).toBe("hi");
  });

  it("ignores a cookie naming an unsupported locale", () => {
    expect(negotiateLocale({ cookie: "xx", acceptLanguage: "fr-CA" })).toBe("fr");
  });

  it("takes the highest-weighted supported language", () => {
    expect(negotiateLocale({ acceptLanguage: "sw-KE;q=0.9, es-419;q=0.8, en;q=0.5" })).toBe("es");
    expect(negotiateLocale({ acceptLanguage: "en;q=0.2, pt-BR" })).toBe("pt-BR");
  });

  it("maps other regional variants to the language we have", () => {
    expect(negotiateLocale({ acceptLanguage: "pt-PT" })).toBe("pt-BR");
    expect(negotiateLocale({ acceptLanguage: "hi-IN" })).toBe("hi");
    expect(negotiateLocale({ acceptLanguage: "de-AT" })).toBe("de");
  });

  it("falls back to English", () => {
    expect(negotiateLocale({ acceptLanguage: "sw, ja;q=0.8" })).toBe("en");
    expect(negotiateLocale({})).toBe("en");
    expect(negotiateLocale({ acceptLanguage: "*" })).toBe("en");
  });
});

describe("parseAcceptLanguage", () => {
  it("drops zero weights and keeps header order for ties", () => {
    expect(parseAcceptLanguage("fr;q=0, de, es")).toEqual(["de", "es"]);
  });
});

describe("resolveLocale", () => {
  const recipient = (country: string, locale: string | null = null) => ({ country, locale });

  it("speaks the locale the platform gave, with its region, before the browser's", () => {
    expect(resolveLocale({ acceptLanguage: "en-GB", recipient: recipient("US", "es-US") })).toEqual(
      { language: "es", tag: "es-US" },
    );
  });

  it("derives the language from the country when none was given and the browser has none of ours", () => {
    expect(resolveLocale({ acceptLanguage: "sw", recipient: recipient("CA") })).toEqual({
      language: "en",
      tag: "en-CA",
    });
    expect(resolveLocale({ acceptLanguage: "sw", recipient: recipient("FR") })).toEqual({
      language: "fr",
      tag: "fr-FR",
    });
    expect(resolveLocale({ recipient: recipient("IN") })).toEqual({
      language: "hi",
      tag: "hi-IN",
    });
  });

  it("lets the switcher pick the language and keeps the recipient's region for amounts", () => {
    expect(
      resolveLocale({ cookie: "fr", acceptLanguage: "en-US", recipient: recipient("CA") }),
    ).toEqual({ language: "fr", tag: "fr-CA" });
  });

  it("writes amounts the way the full locale does", () => {
    const cad = { amount: 123456n, currency: "CAD" };
    const usd = { amount: 123456n, currency: "USD" };
    expect(formatMoney(usd, resolveLocale({ recipient: recipient("US", "es-US") }).tag)).toBe(
      "$1,234.56",
    );
    expect(formatMoney(cad, resolveLocale({ recipient: recipient("CA", "fr-CA") }).tag)).toBe(
      "1\u00a0234,56\u00a0$",
    );
  });
});

describe("canonicalLocale", () => {
  it("accepts well-formed tags in a language the claim speaks, in canonical form", () => {
    expect(canonicalLocale("fr-ca")).toBe("fr-CA");
    expect(canonicalLocale("es-US")).toBe("es-US");
    expect(canonicalLocale("pt")).toBe("pt");
    expect(canonicalLocale("ja-JP")).toBeNull();
    expect(canonicalLocale("not a locale")).toBeNull();
    expect(canonicalLocale("")).toBeNull();
  });
});
