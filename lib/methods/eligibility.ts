import countries from "i18n-iso-countries";
import { z } from "zod";
import { sanctionedPlace } from "@/lib/compliance/sanctioned-countries";
import { AppError } from "@/lib/errors";
import { amountSchema, type Currency, currencySchema, formatMoney, MAX_AMOUNT } from "@/lib/money";
import { methodCatalog } from "./catalog";
import type { MethodDefinition, MethodId } from "./types";

export const ineligibilityCodes = [
  "country_not_supported",
  "currency_not_supported",
  "amount_below_minimum",
  "amount_above_maximum",
  "not_allowed_by_campaign",
  "not_available_in_live_mode",
  "sanctioned_country",
] as const;

export type IneligibilityCode = (typeof ineligibilityCodes)[number];

export type IneligibilityReason = { code: IneligibilityCode; message: string };

export type Eligibility = {
  sanctioned: boolean;
  eligible: MethodDefinition[];
  ineligible: Array<{ method: MethodId; reasons: IneligibilityReason[] }>;
};

/** i18n-iso-countries also knows alpha-3 and numeric codes; a payout's country is alpha-2 only. */
export function isCountryCode(code: string): boolean {
  return /^[A-Z]{2}$/.test(code) && countries.isValid(code);
}

const countryCodeSchema = z
  .string()
  .trim()
  .toUpperCase()
  .refine(isCountryCode, "an ISO 3166-1 alpha-2 country code such as KE");

const regionCodeSchema = z
  .string()
  .trim()
  .toUpperCase()
  .regex(/^[A-Z]{2}-[A-Z0-9]{1,3}$/, "an ISO 3166-2 subdivision code such as UA-43");

function regionInCountry(value: { country: string; region?: string | null }): boolean {
  return !value.region || value.region.startsWith(`${value.country}-`);
}

const regionMismatch = {
  message: "a subdivision of the given country",
  path: ["region"],
};

/** `GET /v1/methods?country=KE&currency=USD&amount=5000[&region=UA-43]`. */
export const methodsQuerySchema = z
  .strictObject({
    country: countryCodeSchema,
    currency: currencySchema,
    amount: amountSchema,
    region: regionCodeSchema.optional(),
  })
  .refine(regionInCountry, regionMismatch);

const eligibilityInputSchema = z
  .object({
    country: countryCodeSchema,
    currency: currencySchema,
    amount: z
      .bigint()
      .positive("a positive whole number of minor units")
      .max(MAX_AMOUNT, "at most 10^15 minor units"),
    allowedMethods: z.array(z.string()).nullish(),
    region: regionCodeSchema.nullish(),
    mode: z.enum(["test", "live"]).optional(),
  })
  .refine(regionInCountry, regionMismatch);

export type EligibilityInput = {
  /** The recipient's ISO 3166-1 alpha-2 country, from the payout. */
  country: string;
  currency: Currency;
  amount: bigint;
  /** The campaign's allow-list; null or absent allows every method. */
  allowedMethods?: readonly string[] | null;
  /** ISO 3166-2 subdivision, when known: the only way to tell a sanctioned region from the rest of its country. */
  region?: string | null;
  /** In live mode a method without a live provider is not offered. */
  mode?: "test" | "live";
};

const displayNames = new Intl.DisplayNames(["en"], { type: "region" });

function placeName(country: string): string {
  return displayNames.of(country) ?? country;
}

/**
 * Which methods can pay this payout: the recipient's country ∩ the method's currencies ∩
 * its amount limits ∩ the campaign's allow-list ∩ compliance. Every ineligible method
 * says why, so the API and the claim page can explain rather than just hide.
 */
export function eligibleMethods(input: EligibilityInput): Eligibility {
  const parsed = eligibilityInputSchema.safeParse(input);
  if (!parsed.success) {
    throw new AppError("validation_failed", "Cannot look up payout methods for this input.", {
      fieldErrors: parsed.error.issues.map((i) => ({ path: i.path.join("."), message: i.message })),
    });
  }
  const { country, currency, amount, allowedMethods, region, mode } = parsed.data;

  const sanctioned = sanctionedPlace({ country, region });
  if (sanctioned) {
    const reason: IneligibilityReason = {
      code: "sanctioned_country",
      message: `We're sorry: international sanctions don't allow payouts to recipients in ${sanctioned.name}. This is a legal restriction, not a judgement about you. If you live somewhere else, ask the sender to update your country.`,
    };
    return {
      sanctioned: true,
      eligible: [],
      ineligible: methodCatalog.map((m) => ({ method: m.id, reasons: [reason] })),
    };
  }

  const result: Eligibility = { sanctioned: false, eligible: [], ineligible: [] };
  for (const method of methodCatalog) {
    const reasons = reasonsAgainst(method, { country, currency, amount, allowedMethods, mode });
    if (reasons.length === 0) result.eligible.push(method);
    else result.ineligible.push({ method: method.id, reasons });
  }
  return result;
}

function reasonsAgainst(
  method: MethodDefinition,
  input: {
    country: string;
    currency: Currency;
    amount: bigint;
    allowedMethods?: readonly string[] | null;
    mode?: "test" | "live";
  },
): IneligibilityReason[] {
  const reasons: IneligibilityReason[] = [];
  if (method.countries !== "*" && !method.countries.includes(input.country)) {
    reasons.push({
      code: "country_not_supported",
      message: `${method.name} is not available in ${placeName(input.country)}.`,
    });
  }
  if (!method.currencies.includes(input.currency)) {
    reasons.push({
      code: "currency_not_supported",
      message: `${method.name} does not pay out in ${input.currency}.`,
    });
  } else {
    const min = method.minAmount[input.currency];
    const max = method.maxAmount[input.currency];
    if (min !== undefined && input.amount < min) {
      reasons.push({
        code: "amount_below_minimum",
        message: `${method.name} pays at least ${formatMoney({ amount: min, currency: input.currency })}.`,
      });
    }
    if (max !== undefined && input.amount > max) {
      reasons.push({
        code: "amount_above_maximum",
        message: `${method.name} pays at most ${formatMoney({ amount: max, currency: input.currency })}.`,
      });
    }
  }
  if (input.allowedMethods && !input.allowedMethods.includes(method.id)) {
    reasons.push({
      code: "not_allowed_by_campaign",
      message: `This campaign does not offer ${method.name}.`,
    });
  }
  if (input.mode === "live" && method.provider === "sandbox-only") {
    reasons.push({
      code: "not_available_in_live_mode",
      message: `${method.name} is available in test mode only for now.`,
    });
  }
  return reasons;
}
