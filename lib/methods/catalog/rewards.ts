import {
  charityDetailsSchema,
  giftCardDetailsSchema,
  prepaidVisaDetailsSchema,
} from "../details/reward-details";
import { giftCardBrands, giftCardCountries } from "../gift-card-brands";
import type { MethodDefinition } from "../types";

/** Delivered by a rewards provider (Tremendous): no bank account needed. */
export const giftCard: MethodDefinition = {
  id: "gift_card",
  name: "Gift card",
  description: "A digital gift card from a shop in your country, by email.",
  countries: giftCardCountries,
  currencies: ["USD", "EUR", "GBP", "CAD", "AUD", "INR", "BRL", "MXN", "JPY"],
  minAmount: {
    USD: 100n,
    EUR: 100n,
    GBP: 100n,
    CAD: 100n,
    AUD: 100n,
    INR: 1_000n,
    BRL: 500n,
    MXN: 2_000n,
    JPY: 100n,
  },
  maxAmount: {
    USD: 200_000n,
    EUR: 200_000n,
    GBP: 150_000n,
    CAD: 250_000n,
    AUD: 300_000n,
    INR: 10_000_000n,
    BRL: 1_000_000n,
    MXN: 3_500_000n,
    JPY: 300_000n,
  },
  fee: {},
  speed: "instant",
  provider: "tremendous",
  detailsSchema: giftCardDetailsSchema,
  giftCardBrands,
};

export const prepaidVisa: MethodDefinition = {
  id: "prepaid_visa",
  name: "Prepaid Visa card",
  description: "A virtual Visa card you can spend online or add to your phone's wallet.",
  countries: ["US", "CA", "GB", "AU"],
  currencies: ["USD", "CAD", "GBP", "AUD"],
  minAmount: { USD: 500n, CAD: 500n, GBP: 500n, AUD: 500n },
  maxAmount: { USD: 200_000n, CAD: 250_000n, GBP: 150_000n, AUD: 300_000n },
  fee: { fixed: { USD: 100n, CAD: 100n, GBP: 100n, AUD: 100n } },
  speed: "instant",
  provider: "tremendous",
  detailsSchema: prepaidVisaDetailsSchema,
};

export const charity: MethodDefinition = {
  id: "charity",
  name: "Donate to charity",
  description: "Give the whole amount to a charity of your choice instead.",
  countries: "*",
  currencies: ["USD", "EUR", "GBP", "CAD", "AUD"],
  minAmount: { USD: 100n, EUR: 100n, GBP: 100n, CAD: 100n, AUD: 100n },
  maxAmount: {
    USD: 1_000_000n,
    EUR: 1_000_000n,
    GBP: 1_000_000n,
    CAD: 1_000_000n,
    AUD: 1_000_000n,
  },
  fee: {},
  speed: "next business day",
  provider: "tremendous",
  detailsSchema: charityDetailsSchema,
};
