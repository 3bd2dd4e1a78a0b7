import { describe, expect, it } from "vitest";
import { formatMajorAmount, parseMajorAmount } from "./decimal-amount";

describe("parseMajorAmount", () => {
  it.each([
    ["25", "USD", 2500n],
    ["25.5", "USD", 2550n],
    ["25.50", "USD", 2550n],
    [" $1,234.56 ", "USD", 123456n],
    ["0.01", "EUR", 1n],
    ["1500", "JPY", 1500n],
    ["12,000,000", "USD", 1_200_000_000n],
  ] as const)("reads %s %s as %s minor units", (text, currency, amount) => {
    expect(parseMajorAmount(text, currency)).toEqual({ ok: true, amount });
  });

  it.each([
    ["", "an amount is required"],
    ["abc", "is not an amount"],
    ["1,5", "is not an amount"],
    ["-5", "is not an amount"],
    ["2.505", "at most 2 decimals"],
    ["0", "more than zero"],
    ["0.00", "more than zero"],
    ["10000000000000.01", "too large"],
  ])("refuses %j", (text, message) => {
    const result = parseMajorAmount(text, "USD");
    expect(result.ok).toBe(false);
    expect(result.ok ? "" : result.message).toContain(message);
  });

  it("refuses decimals for a currency without a minor unit", () => {
    expect(parseMajorAmount("10.5", "JPY")).toEqual({
      ok: false,
      message: "JPY has no minor unit: use a whole number",
    });
  });

  it("formats back what it reads", () => {
    expect(formatMajorAmount(2550n, "USD")).toBe("25.50");
    expect(formatMajorAmount(7n, "EUR")).toBe("0.07");
    expect(formatMajorAmount(1500n, "JPY")).toBe("1500");
  });
});
