import { describe, expect, it } from "vitest";
import { isAppError } from "@/lib/errors";
import { methodFee } from "./fees";

describe("method fees", () => {
  it("charges a fixed fee per payout", () => {
    expect(methodFee("us_ach", { amount: 5_000n, currency: "USD" })).toBe(25n);
    expect(methodFee("us_ach", { amount: 10_000_000n, currency: "USD" })).toBe(25n);
    expect(methodFee("sepa", { amount: 5_000n, currency: "EUR" })).toBe(25n);
  });

  it("rounds a percentage up to the next minor unit with integer math", () => {
    // 1.5% of KES 123.45 is 185.175 cents, charged as 186: a fee is never understated.
    expect(methodFee("mpesa", { amount: 12_345n, currency: "KES" })).toBe(186n);
    // 1% of exactly BRL 100.00 has no remainder to round.
    expect(methodFee("pix", { amount: 10_000n, currency: "BRL" })).toBe(100n);
    expect(methodFee("pix", { amount: 10_001n, currency: "BRL" })).toBe(101n);
  });

  it("stays exact for amounts far beyond a float's precision", () => {
    const amount = 900_719_925_474_099_300n;
    expect(methodFee("upi", { amount, currency: "INR" })).toBe(9_007_199_254_740_993n);
  });

  it("caps PayPal's 2% at the currency's cap", () => {
    expect(methodFee("paypal", { amount: 10_000n, currency: "USD" })).toBe(200n);
    expect(methodFee("paypal", { amount: 100_000n, currency: "USD" })).toBe(2_000n);
    expect(methodFee("paypal", { amount: 1_000_000n, currency: "USD" })).toBe(2_000n);
    expect(methodFee("paypal", { amount: 1_000_000n, currency: "JPY" })).toBe(3_000n);
  });

  it("charges nothing for gift cards and donations", () => {
    expect(methodFee("gift_card", { amount: 5_000n, currency: "USD" })).toBe(0n);
    expect(methodFee("charity", { amount: 5_000n, currency: "EUR" })).toBe(0n);
  });

  it("refuses a currency the method does not pay in", () => {
    expect(() => methodFee("venmo", { amount: 5_000n, currency: "EUR" })).toThrowError(
      /Venmo does not pay out in EUR/,
    );
    try {
      methodFee("venmo", { amount: 5_000n, currency: "EUR" });
    } catch (error) {
      expect(isAppError(error, "validation_failed")).toBe(true);
    }
  });
});
