import { z } from "zod";
import { methodIdSchema } from "@/lib/methods/types";
import { currencySchema } from "@/lib/money";

const optionalText = (max: number) =>
  z
    .string()
    .trim()
    .max(max, `at most ${max} characters`)
    .transform((v) => (v === "" ? undefined : v))
    .optional();

/** What a person sets for a campaign besides its rows, as the form and the upload send it. */
export const batchSettingsSchema = z.object({
  name: z.string().trim().min(1, "a name is required").max(200, "at most 200 characters"),
  currency: currencySchema,
  message: optionalText(2_000),
  /** Empty means every method the recipient's country allows. */
  allowedMethods: z.array(methodIdSchema).max(50).default([]),
  expiresInDays: z.coerce
    .number()
    .int("a whole number of days")
    .min(1, "at least 1 day")
    .max(365, "at most 365 days")
    .default(30),
});

export type BatchSettings = z.output<typeof batchSettingsSchema>;
