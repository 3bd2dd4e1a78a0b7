import { describe, expect, it } from "vitest";
import { negotiateLocale, parseAcceptLanguage } from "./locales";

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
