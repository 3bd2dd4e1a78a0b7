import {
  gcashDetailsSchema,
  mpesaDetailsSchema,
  pixDetailsSchema,
  upiDetailsSchema,
} from "../details/local-rail-details";
import type { MethodDefinition } from "../types";

/*
 * Domestic instant rails and mobile money. A payout in USD is converted to the local
 * currency on delivery, which the 1–1.5% fee covers. None of our live providers
 * reaches these rails yet, so they are sandbox-only until one does.
 */

export const pix: MethodDefinition = {
  id: "pix",
  name: "Pix",
  description: "Instantly to any Brazilian bank or wallet, using your Pix key.",
  countries: ["BR"],
  currencies: ["BRL", "USD"],
  minAmount: { BRL: 100n, USD: 100n },
  maxAmount: { BRL: 10_000_000n, USD: 2_000_000n },
  fee: { basisPoints: 100 },
  speed: "instant",
  provider: "sandbox-only",
  detailsSchema: pixDetailsSchema,
};

/** NPCI's general per-transaction UPI limit is ₹1,00,000. */
export const upi: MethodDefinition = {
  id: "upi",
  name: "UPI",
  description: "Instantly to any Indian bank account, using your UPI ID.",
  countries: ["IN"],
  currencies: ["INR", "USD"],
  minAmount: { INR: 100n, USD: 100n },
  maxAmount: { INR: 10_000_000n, USD: 110_000n },
  fee: { basisPoints: 100 },
  speed: "instant",
  provider: "sandbox-only",
  detailsSchema: upiDetailsSchema,
};

/** Safaricom caps a single M-Pesa transaction at KES 250,000. */
export const mpesa: MethodDefinition = {
  id: "mpesa",
  name: "M-Pesa",
  description: "To your M-Pesa mobile wallet in Kenya.",
  countries: ["KE"],
  currencies: ["KES", "USD"],
  minAmount: { KES: 1_000n, USD: 100n },
  maxAmount: { KES: 25_000_000n, USD: 190_000n },
  fee: { basisPoints: 150 },
  speed: "minutes",
  provider: "sandbox-only",
  detailsSchema: mpesaDetailsSchema,
};

export const gcash: MethodDefinition = {
  id: "gcash",
  name: "GCash",
  description: "To your GCash wallet in the Philippines.",
  countries: ["PH"],
  currencies: ["PHP", "USD"],
  minAmount: { PHP: 100n, USD: 100n },
  maxAmount: { PHP: 10_000_000n, USD: 170_000n },
  fee: { basisPoints: 150 },
  speed: "minutes",
  provider: "sandbox-only",
  detailsSchema: gcashDetailsSchema,
};
