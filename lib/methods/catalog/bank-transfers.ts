import {
  sepaDetailsSchema,
  ukFasterPaymentsDetailsSchema,
  usAchDetailsSchema,
} from "../details/bank-details";
import type { MethodDefinition } from "../types";

/** The EU, the EEA and the non-EU members of the SEPA scheme. */
export const sepaCountries = [
  ...["AT", "BE", "BG", "CY", "CZ", "DE", "DK", "EE", "ES", "FI", "FR", "GR", "HR", "HU"],
  ...["IE", "IT", "LT", "LU", "LV", "MT", "NL", "PL", "PT", "RO", "SE", "SI", "SK"],
  ...["IS", "LI", "NO"],
  ...["AD", "CH", "GB", "GI", "MC", "SM", "VA"],
] as const;

export const usAch: MethodDefinition = {
  id: "us_ach",
  name: "Bank transfer (ACH)",
  description: "Straight to a US checking or savings account.",
  countries: ["US"],
  currencies: ["USD"],
  minAmount: { USD: 100n },
  maxAmount: { USD: 10_000_000n },
  fee: { fixed: { USD: 25n } },
  speed: "1-3 business days",
  provider: "stripe",
  detailsSchema: usAchDetailsSchema,
};

export const sepa: MethodDefinition = {
  id: "sepa",
  name: "Bank transfer (SEPA)",
  description: "To any euro bank account (IBAN) in the SEPA area.",
  countries: sepaCountries,
  currencies: ["EUR"],
  minAmount: { EUR: 100n },
  maxAmount: { EUR: 10_000_000n },
  fee: { fixed: { EUR: 25n } },
  speed: "next business day",
  provider: "stripe",
  detailsSchema: sepaDetailsSchema,
};

/** Banks in the Crown Dependencies clear through UK sort codes too. */
export const ukFasterPayments: MethodDefinition = {
  id: "uk_faster_payments",
  name: "Bank transfer (Faster Payments)",
  description: "To a UK bank account with a sort code and account number.",
  countries: ["GB", "GG", "JE", "IM"],
  currencies: ["GBP"],
  minAmount: { GBP: 100n },
  maxAmount: { GBP: 25_000_000n },
  fee: { fixed: { GBP: 20n } },
  speed: "minutes",
  provider: "stripe",
  detailsSchema: ukFasterPaymentsDetailsSchema,
};
