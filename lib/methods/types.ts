import { z } from "zod";
import type { Currency } from "@/lib/money";

export const methodIds = [
  "us_ach",
  "sepa",
  "uk_faster_payments",
  "paypal",
  "venmo",
  "gift_card",
  "prepaid_visa",
  "pix",
  "upi",
  "mpesa",
  "gcash",
  "interac",
  "charity",
] as const;

export type MethodId = (typeof methodIds)[number];

export const methodIdSchema = z.enum(methodIds, {
  error: `a payout method (${methodIds.join(", ")})`,
});

export const speeds = [
  "instant",
  "minutes",
  "same day",
  "next business day",
  "1-3 business days",
] as const;

export type Speed = (typeof speeds)[number];

/** Message keys under `claim.methods.speed` (the speed labels contain spaces and digits). */
export const speedMessageKeys: Record<Speed, string> = {
  instant: "claim.methods.speed.instant",
  minutes: "claim.methods.speed.minutes",
  "same day": "claim.methods.speed.same_day",
  "next business day": "claim.methods.speed.next_business_day",
  "1-3 business days": "claim.methods.speed.one_to_three_business_days",
};

/**
 * Who pays the method out in live mode. `sandbox-only` methods have no live adapter
 * yet: test mode pays them through the sandbox, live mode must not offer them.
 */
export type MethodProvider = "stripe" | "paypal" | "tremendous" | "sandbox-only";

export type AmountByCurrency = Partial<Record<Currency, bigint>>;

export type FeeSchedule = {
  /** Charged per payout, in the payout's currency. */
  fixed?: AmountByCurrency;
  /** Hundredths of a percent of the amount (100 = 1%). */
  basisPoints?: number;
  /** Upper bound of the whole fee, in the payout's currency. */
  cap?: AmountByCurrency;
};

export type GiftCardBrand = { id: string; name: string };

export type MethodDefinition = {
  id: MethodId;
  name: string;
  description: string;
  /** ISO 3166-1 alpha-2 codes of the recipient's country, or `*` for anywhere not sanctioned. */
  countries: "*" | readonly string[];
  /** Currencies a payout may be denominated in; some methods convert to the local currency on delivery. */
  currencies: readonly Currency[];
  minAmount: AmountByCurrency;
  maxAmount: AmountByCurrency;
  fee: FeeSchedule;
  speed: Speed;
  provider: MethodProvider;
  detailsSchema: z.ZodType<Record<string, unknown>>;
  /** Per-country brand lists; only gift cards have them. */
  giftCardBrands?: Readonly<Record<string, readonly GiftCardBrand[]>>;
};
