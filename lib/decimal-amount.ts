import { type Currency, currencyExponents, MAX_AMOUNT } from "@/lib/money";

export type AmountParse = { ok: true; amount: bigint } | { ok: false; message: string };

const PLAIN = /^\d+(\.\d+)?$/;
const GROUPED = /^\d{1,3}(,\d{3})+(\.\d+)?$/;

/**
 * People write amounts in major units ("25.50", "1,000"), the ledger counts minor units.
 * The conversion is done on the digits, never through a float; a comma is accepted only
 * as a thousands separator in its usual places, so "1,5" is refused rather than guessed.
 */
export function parseMajorAmount(raw: string, currency: Currency): AmountParse {
  const text = raw.trim().replace(/^[$€£]/, "");
  if (text === "") return { ok: false, message: "an amount is required" };
  if (!PLAIN.test(text) && !GROUPED.test(text)) {
    return { ok: false, message: `"${raw.trim()}" is not an amount like 25 or 25.50` };
  }
  const [whole = "0", fraction = ""] = text.replace(/,/g, "").split(".");
  const exponent = currencyExponents[currency];
  if (fraction.length > exponent) {
    return {
      ok: false,
      message:
        exponent === 0
          ? `${currency} has no minor unit: use a whole number`
          : `${currency} amounts have at most ${exponent} decimals`,
    };
  }
  const amount =
    BigInt(whole) * 10n ** BigInt(exponent) + BigInt(fraction.padEnd(exponent, "0") || "0");
  if (amount <= 0n) return { ok: false, message: "the amount must be more than zero" };
  if (amount > MAX_AMOUNT) return { ok: false, message: "the amount is too large" };
  return { ok: true, amount };
}

/** The inverse, for showing an amount back in a form field ("2550" USD → "25.50"). */
export function formatMajorAmount(amount: bigint, currency: Currency): string {
  const exponent = currencyExponents[currency];
  if (exponent === 0) return amount.toString();
  const divisor = 10n ** BigInt(exponent);
  return `${amount / divisor}.${(amount % divisor).toString().padStart(exponent, "0")}`;
}
