import { z } from "zod";

/** ISO 4217 minor-unit exponents for the currencies we pay out in. */
export const currencyExponents = {
  USD: 2,
  EUR: 2,
  GBP: 2,
  CAD: 2,
  AUD: 2,
  BRL: 2,
  INR: 2,
  KES: 2,
  PHP: 2,
  MXN: 2,
  JPY: 0,
  CHF: 2,
  SEK: 2,
  NOK: 2,
  DKK: 2,
  PLN: 2,
  NZD: 2,
  SGD: 2,
  ZAR: 2,
  NGN: 2,
} as const;

export type Currency = keyof typeof currencyExponents;
export const currencies = Object.keys(currencyExponents) as [Currency, ...Currency[]];

export const currencySchema = z.enum(currencies, {
  error: `a supported ISO 4217 currency code (${currencies.join(", ")})`,
});

/** Money is an integer count of the currency's minor unit; never a float. */
export type Money = { amount: bigint; currency: Currency };

export const MAX_AMOUNT = 10n ** 15n;

/** The digits of a whole number from 1 to 10^15 (leading zeros allowed). */
const AMOUNT_DIGITS = /^0*(?:[1-9][0-9]{0,14}|1000000000000000)$/;

/**
 * A positive amount in minor units, at most 10^15, as JSON sends it (an integer) or as a
 * string of digits. Each branch states its bounds, so the schema documents exactly what
 * it accepts. A refused value is not transformed: object-level refinements, which zod
 * runs even then, must not assume a bigint.
 */
export const amountSchema = z
  .union(
    [
      z
        .number()
        .min(1, "a positive whole number of minor units")
        .max(Number(MAX_AMOUNT), "at most 10^15 minor units")
        .refine(Number.isInteger, {
          error: "a whole number of minor units, such as 1050 for 10.50 USD",
          // A number out of range already has its message; it need not hear it is no integer.
          when: (payload) => payload.issues.length === 0,
        })
        .meta({ override: { type: "integer" } }),
      z.string().regex(AMOUNT_DIGITS, "a whole number of minor units from 1 to 10^15"),
    ],
    // Usually a decimal amount (10.5): say what was expected, not zod's "Invalid input".
    { error: "a whole number of minor units, such as 1050 for 10.50 USD" },
  )
  .transform((v) => BigInt(v));

/**
 * An amount as the API answers with it: a JSON integer of minor units. A CHECK keeps
 * every ledger account within 2^53 - 1 (db/schema/ledger.ts), so it is always exact.
 */
export const wireAmountSchema = z
  .int()
  .nonnegative()
  .meta({ description: "Minor units of the currency", example: 5000 });

// Building an Intl formatter costs about as much as formatting a thousand amounts with
// one, and campaign emails format thousands: keep one per locale and currency.
const formatters = new Map<string, Intl.NumberFormat>();
function currencyFormatter(locale: string, currency: Currency): Intl.NumberFormat {
  const key = `${locale}:${currency}`;
  let formatter = formatters.get(key);
  if (!formatter) {
    formatter = new Intl.NumberFormat(locale, { style: "currency", currency });
    formatters.set(key, formatter);
  }
  return formatter;
}

/**
 * The one money formatter: minor units as `locale` writes money in that currency. A code
 * we do not pay out in shows as its digits and the code, never as a guessed decimal.
 */
export function formatMoney(money: { amount: bigint; currency: string }, locale = "en-US"): string {
  if (!(money.currency in currencyExponents)) return `${money.amount} ${money.currency}`;
  const currency = money.currency as Currency;
  const exponent = currencyExponents[currency];
  const divisor = 10n ** BigInt(exponent);
  const negative = money.amount < 0n;
  const abs = negative ? -money.amount : money.amount;
  const whole = abs / divisor;
  const fraction = (abs % divisor).toString().padStart(exponent, "0");
  // Intl accepts a decimal string, so no float ever carries the amount.
  const decimal = `${negative ? "-" : ""}${whole}${exponent ? `.${fraction}` : ""}`;
  return currencyFormatter(locale, currency).format(decimal as unknown as number);
}
