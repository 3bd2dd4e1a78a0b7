import type { z } from "zod";
import { AppError } from "@/lib/errors";
import { getMethod } from "./catalog";
import { giftCardDetailsSchemaFor } from "./details/reward-details";
import type { MethodDefinition } from "./types";

/**
 * The details schema for a recipient in `country`. Only gift cards depend on the
 * country (a brand must sell there); every other method's schema is its own.
 */
export function detailsSchemaFor(
  method: MethodDefinition | string,
  country: string,
): z.ZodType<Record<string, unknown>> {
  const definition = typeof method === "string" ? getMethod(method) : method;
  return definition.id === "gift_card"
    ? giftCardDetailsSchemaFor(country.toUpperCase())
    : definition.detailsSchema;
}

/**
 * Validates and normalises what the recipient typed. Field errors carry message keys
 * (`errors.iban_invalid`) for the claim page to translate.
 */
export function parseMethodDetails(
  method: MethodDefinition | string,
  country: string,
  input: unknown,
): Record<string, unknown> {
  const result = detailsSchemaFor(method, country).safeParse(input);
  if (result.success) return result.data;
  throw new AppError("validation_failed", "The payout details are not valid.", {
    fieldErrors: result.error.issues.map((i) => ({ path: i.path.join("."), message: i.message })),
  });
}
