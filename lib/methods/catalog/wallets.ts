import {
  interacDetailsSchema,
  paypalDetailsSchema,
  venmoDetailsSchema,
} from "../details/wallet-details";
import type { MethodDefinition } from "../types";

/**
 * Countries where a personal PayPal account can receive payouts. PayPal itself stays
 * the authority (it refuses an account that cannot receive); this list keeps us from
 * offering PayPal where it plainly does not work, such as Nigeria or Pakistan.
 */
const paypalCountries = [
  ...["US", "CA", "MX", "BR", "AR", "CL", "CO", "PE", "UY", "CR", "PA", "DO", "JM"],
  ...["AT", "BE", "BG", "CY", "CZ", "DE", "DK", "EE", "ES", "FI", "FR", "GR", "HR", "HU"],
  ...["IE", "IT", "LT", "LU", "LV", "MT", "NL", "PL", "PT", "RO", "SE", "SI", "SK"],
  ...["GB", "CH", "NO", "IS", "LI", "UA", "RS", "AL", "GE", "IL", "AE", "SA", "QA", "JO"],
  ...["AU", "NZ", "JP", "KR", "SG", "HK", "TW", "MY", "PH", "TH", "VN", "ID", "IN", "CN"],
  ...["KE", "ZA", "EG", "MA", "TZ", "UG", "RW", "BW", "NA"],
];

export const paypal: MethodDefinition = {
  id: "paypal",
  name: "PayPal",
  description: "To your PayPal account, by email address or mobile number.",
  countries: paypalCountries,
  currencies: [
    "USD",
    "EUR",
    "GBP",
    "CAD",
    "AUD",
    "JPY",
    "CHF",
    "SEK",
    "NOK",
    "DKK",
    "PLN",
    "NZD",
    "SGD",
    "MXN",
  ],
  minAmount: {
    USD: 100n,
    EUR: 100n,
    GBP: 100n,
    CAD: 100n,
    AUD: 100n,
    JPY: 100n,
    CHF: 100n,
    SEK: 1_000n,
    NOK: 1_000n,
    DKK: 1_000n,
    PLN: 500n,
    NZD: 100n,
    SGD: 100n,
    MXN: 2_000n,
  },
  // PayPal Payouts accepts up to about USD 20,000 per item.
  maxAmount: {
    USD: 2_000_000n,
    EUR: 1_800_000n,
    GBP: 1_500_000n,
    CAD: 2_500_000n,
    AUD: 3_000_000n,
    JPY: 3_000_000n,
    CHF: 1_800_000n,
    SEK: 20_000_000n,
    NOK: 20_000_000n,
    DKK: 13_000_000n,
    PLN: 8_000_000n,
    NZD: 3_300_000n,
    SGD: 2_600_000n,
    MXN: 35_000_000n,
  },
  // 2% with a cap of about USD 20, as PayPal charges the sender for international payouts.
  fee: {
    basisPoints: 200,
    cap: {
      USD: 2_000n,
      EUR: 1_800n,
      GBP: 1_500n,
      CAD: 2_500n,
      AUD: 3_000n,
      JPY: 3_000n,
      CHF: 1_800n,
      SEK: 20_000n,
      NOK: 20_000n,
      DKK: 13_000n,
      PLN: 8_000n,
      NZD: 3_300n,
      SGD: 2_600n,
      MXN: 35_000n,
    },
  },
  speed: "minutes",
  provider: "paypal",
  detailsSchema: paypalDetailsSchema,
};

export const venmo: MethodDefinition = {
  id: "venmo",
  name: "Venmo",
  description: "To your Venmo account, by @username, email address or US mobile number.",
  countries: ["US"],
  currencies: ["USD"],
  minAmount: { USD: 100n },
  maxAmount: { USD: 500_000n },
  fee: { fixed: { USD: 25n } },
  speed: "minutes",
  provider: "paypal",
  detailsSchema: venmoDetailsSchema,
};

export const interac: MethodDefinition = {
  id: "interac",
  name: "Interac e-Transfer",
  description: "To any Canadian bank account, sent to your email address or mobile number.",
  countries: ["CA"],
  currencies: ["CAD"],
  minAmount: { CAD: 100n },
  maxAmount: { CAD: 1_000_000n },
  fee: { fixed: { CAD: 50n } },
  speed: "minutes",
  provider: "sandbox-only",
  detailsSchema: interacDetailsSchema,
};
