import { z } from "zod";
import { type Currency, currencySchema } from "@/lib/money";
import { type Eligibility, ineligibilityCodes } from "./eligibility";
import { methodFee } from "./fees";
import { giftCardBrandsFor } from "./gift-card-brands";
import type { MethodDefinition } from "./types";
import { methodIds, speeds } from "./types";

/** Amounts are JSON integers: every limit and fee is far below 2^53. */
export const payoutMethodResourceSchema = z
  .object({
    id: z.enum(methodIds),
    object: z.literal("payout_method"),
    name: z.string(),
    description: z.string(),
    speed: z.enum(speeds),
    currency: currencySchema,
    fee: z
      .int()
      .meta({ description: "What this method charges for the queried amount, in minor units" }),
    min_amount: z.int().nullable(),
    max_amount: z.int().nullable(),
    gift_card_brands: z.array(z.object({ id: z.string(), name: z.string() })).optional(),
  })
  .meta({ id: "PayoutMethod" });

export const methodsResponseSchema = z
  .object({
    object: z.literal("list"),
    country: z.string(),
    currency: currencySchema,
    amount: z.int(),
    sanctioned: z.boolean(),
    data: z.array(payoutMethodResourceSchema),
    ineligible: z.array(
      z.object({
        method: z.enum(methodIds),
        reasons: z.array(z.object({ code: z.enum(ineligibilityCodes), message: z.string() })),
      }),
    ),
  })
  .meta({ id: "PayoutMethodList" });

export type MethodsResponse = z.infer<typeof methodsResponseSchema>;

const toNumber = (value: bigint | undefined) => (value === undefined ? null : Number(value));

export function serializeMethod(
  method: MethodDefinition,
  query: { country: string; currency: Currency; amount: bigint },
): z.infer<typeof payoutMethodResourceSchema> {
  return {
    id: method.id,
    object: "payout_method",
    name: method.name,
    description: method.description,
    speed: method.speed,
    currency: query.currency,
    fee: Number(methodFee(method, { amount: query.amount, currency: query.currency })),
    min_amount: toNumber(method.minAmount[query.currency]),
    max_amount: toNumber(method.maxAmount[query.currency]),
    ...(method.giftCardBrands
      ? { gift_card_brands: giftCardBrandsFor(query.country).map((b) => ({ ...b })) }
      : {}),
  };
}

export function serializeEligibility(
  eligibility: Eligibility,
  query: { country: string; currency: Currency; amount: bigint },
): MethodsResponse {
  const country = query.country.toUpperCase();
  return {
    object: "list",
    country,
    currency: query.currency,
    amount: Number(query.amount),
    sanctioned: eligibility.sanctioned,
    data: eligibility.eligible.map((m) => serializeMethod(m, { ...query, country })),
    ineligible: eligibility.ineligible,
  };
}
