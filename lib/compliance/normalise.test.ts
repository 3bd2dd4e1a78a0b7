import { describe, expect, it } from "vitest";
import { compareNames } from "./match-names";
import { normaliseName } from "./normalise";

const variants = (name: string) => normaliseName(name).variants.map((v) => v.text);
const score = (a: string, b: string) =>
  compareNames(normaliseName(a), normaliseName(b))?.score ?? 0;

describe("name normalisation", () => {
  it("folds case, accents and punctuation", () => {
    expect(variants("JOSÉ  Müller-O'Brien")).toEqual(["jose muller obrien"]);
    expect(variants("Łukasz Żółw")).toEqual(["lukasz zolw"]);
  });

  it("sets legal forms aside, abbreviated or spelt out, and keeps them as evidence", () => {
    for (const name of [
      "Acme Trading LLC",
      "ACME TRADING L.L.C.",
      "Acme Trading Limited Liability Company",
      "Acme Trading GmbH",
      "Acme Trading S.A.",
      "Acme Trading Co., Ltd.",
      "OOO Acme Trading",
    ]) {
      expect(variants(name), name).toEqual(["acme trading"]);
    }
    expect(normaliseName("Acme Trading S.A.").legalForms).toEqual(["sa"]);
    expect(normaliseName("Acme Limited Liability Company").legalForms).toEqual([
      "limited liability company",
    ]);
  });

  it("sets honorifics and vessel prefixes aside", () => {
    expect(variants("Dr. Maya Chen")).toEqual(["maya chen"]);
    expect(variants("Sheikh Abdul Rahman")).toEqual(["abdul rahman"]);
    expect(variants("MV Ocean Star")).toEqual(["ocean star"]);
    // A name that is only such words is still a name.
    expect(variants("Limited")).toEqual(["limited"]);
  });

  it("splits former and other names into variants of their own", () => {
    const n = normaliseName("ACME LTD (f.k.a. BETA HOLDINGS); a.k.a. GAMMA");
    expect(n.variants.map((v) => [v.text, v.role])).toEqual([
      ["acme", "primary"],
      ["beta holdings", "former"],
      ["gamma", "other"],
    ]);
    expect(variants("OCEAN STAR (ex-SEA QUEEN)")).toEqual(["ocean star", "sea queen"]);
    expect(variants("Delta Agro formerly known as Delta Farming")).toEqual([
      "delta agro",
      "delta farming",
    ]);
  });

  it("transliterates Cyrillic, Arabic, Hebrew, CJK, Korean, Georgian and Burmese names to their Latin forms", () => {
    expect(score("Владимир Путин", "PUTIN, Vladimir")).toBe(1);
    expect(score("محمد علي", "Mohammed Ali")).toBeGreaterThanOrEqual(0.9);
    expect(score("בנימין נתניהו", "Benjamin Netanyahu")).toBeGreaterThanOrEqual(0.9);
    expect(score("习近平", "Xi Jinping")).toBe(1);
    expect(score("김정은", "Kim Jong Un")).toBeGreaterThanOrEqual(0.9);
    expect(score("ბიძინა ივანიშვილი", "Bidzina Ivanishvili")).toBeGreaterThanOrEqual(0.95);
    expect(score("မင်းအောင်လှိုင်", "Min Aung Hlaing")).toBeGreaterThanOrEqual(0.8);
  });

  it("matches reordered names, spelling variants and aliases, and explains the pairs", () => {
    const c = compareNames(normaliseName("Usama bin Laden"), normaliseName("BIN LADIN, Osama"));
    expect(c?.score).toBeGreaterThanOrEqual(0.9);
    expect(c?.pairs.map((p) => [p.query, p.entry, p.by])).toEqual(
      expect.arrayContaining([
        ["usama", "osama", "sound"],
        ["laden", "ladin", "spelling"],
        ["bin", "bin", "exact"],
      ]),
    );
    expect(score("Beta Holdings", "ACME LTD (f.k.a. BETA HOLDINGS)")).toBe(1);
    expect(score("Al Qaida", "ALQAIDA")).toBe(1);
  });

  it("keeps siblings, other surnames in the same company form and numbered vessels apart", () => {
    expect(score("Ahmed Hassan Ali", "Mohamed Hassan Ali")).toBeLessThan(0.8);
    expect(score("Ali Hassan", "Ali Hussein")).toBeLessThan(0.8);
    expect(score("Petrov Trading LLC", "Ivanov Trading LLC")).toBeLessThan(0.5);
    expect(score("Ocean Star 1", "OCEAN STAR 2")).toBeLessThanOrEqual(0.5);
    expect(score("Alpha Capital SPV III Ltd", "Alpha Capital SPV IV Limited")).toBeLessThanOrEqual(
      0.5,
    );
    expect(score("Mohammed Abdullah", "Mohammed Abdulaziz")).toBeLessThan(0.8);
  });
});
