import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { isAppError } from "@/lib/errors";
import { isCountryCode } from "../eligibility";
import { methodFee } from "../fees";
import { methodIds } from "../types";
import { findMethod, getMethod, methodCatalog } from ".";

describe("the method catalog", () => {
  it("defines every method id exactly once", () => {
    expect(methodCatalog.map((m) => m.id).sort()).toEqual([...methodIds].sort());
  });

  it("names only real ISO 3166-1 alpha-2 countries", () => {
    for (const method of methodCatalog) {
      if (method.countries === "*") continue;
      expect(method.countries.length, method.id).toBeGreaterThan(0);
      for (const country of method.countries)
        expect(isCountryCode(country), `${method.id} ${country}`).toBe(true);
      expect(new Set(method.countries).size, method.id).toBe(method.countries.length);
    }
  });

  it("has limits for every currency it pays in, and a fee that leaves the minimum worth paying", () => {
    for (const method of methodCatalog) {
      for (const currency of method.currencies) {
        const min = method.minAmount[currency];
        const max = method.maxAmount[currency];
        expect(min, `${method.id} min ${currency}`).toBeGreaterThan(0n);
        expect(max, `${method.id} max ${currency}`).toBeGreaterThan(min ?? 0n);
        const fee = methodFee(method, { amount: min ?? 0n, currency });
        expect(fee, `${method.id} fee at minimum ${currency}`).toBeLessThan(min ?? 0n);
      }
      const priced = [
        method.minAmount,
        method.maxAmount,
        method.fee.fixed ?? {},
        method.fee.cap ?? {},
      ];
      for (const table of priced) {
        for (const currency of Object.keys(table)) {
          expect(method.currencies, `${method.id} prices ${currency}`).toContain(currency);
        }
      }
    }
  });

  it("lists gift card brands for exactly the gift card countries", () => {
    const giftCard = getMethod("gift_card");
    expect(Object.keys(giftCard.giftCardBrands ?? {}).sort()).toEqual(
      [...giftCard.countries].sort(),
    );
    const ids = Object.values(giftCard.giftCardBrands ?? {}).flatMap((b) => b.map((x) => x.id));
    expect(new Set(ids).size).toBe(ids.length);
  });

  it("refuses an unknown method id", () => {
    expect(findMethod("bitcoin")).toBeUndefined();
    expect(() => getMethod("bitcoin")).toThrowError(/Unknown payout method/);
    try {
      getMethod("bitcoin");
    } catch (error) {
      expect(isAppError(error, "validation_failed")).toBe(true);
    }
  });

  it("matches the table in docs/payout-methods.md on names, speeds and providers", () => {
    const doc = readFileSync("docs/payout-methods.md", "utf8");
    for (const method of methodCatalog) {
      // The first table is the catalog; later tables name methods too.
      const row = doc
        .split("\n")
        .find((line) => new RegExp(`^\\|\\s*\`${method.id}\`\\s*\\|`).test(line));
      const cells = row?.split("|").map((cell) => cell.trim());
      expect(cells?.[2], method.id).toBe(method.name);
      expect(cells?.[6], method.id).toBe(method.speed);
      expect(cells?.[7], method.id).toBe(method.provider);
    }
  });
});
