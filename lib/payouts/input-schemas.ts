import countries from "i18n-iso-countries";
import { z } from "zod";
import { canonicalLocale, locales } from "@/i18n/locales";
import { singleLine } from "@/lib/text";

export const countrySchema = z
  .string()
  .regex(/^[A-Z]{2}$/, {
    error: "an ISO 3166-1 alpha-2 country code in capitals, such as US",
    // One message per field: an unassigned-code check on malformed input says nothing new.
    abort: true,
  })
  .refine((code) => countries.isValid(code), "an assigned ISO 3166-1 alpha-2 country code");

/**
 * The recipient's locale: a BCP 47 tag (`es-US`, `fr-CA`) in a language the claim speaks
 * (i18n/locales.ts), stored in canonical form. Emails and claim pages use it, amounts and
 * dates written for its region; without it the language comes from the country.
 */
export const recipientLocaleSchema = z
  .string()
  .max(35)
  .refine(
    (value) => canonicalLocale(value) !== null,
    `a BCP 47 locale in a language the claim speaks (${locales.join(", ")}), such as es-US or fr-CA`,
  )
  .overwrite((value) => canonicalLocale(value) ?? value)
  .meta({ example: "fr-CA" });

/** Stripe-style metadata: small, flat, string-valued, never for secrets. */
export const metadataSchema = z
  .record(
    singleLine(z.string().min(1).max(40, "keys of at most 40 characters")),
    z.string().max(500, "values of at most 500 characters"),
  )
  .refine((m) => Object.keys(m).length <= 50, "at most 50 keys");

export const descriptionSchema = z.string().trim().min(1).max(500);

const CONTROL = /\p{Cc}/u;
const LONE_SURROGATE = /[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/;

/**
 * One line of text as PostgreSQL stores it and no mail header or log line can be split
 * by: no NUL or other control characters, no lone UTF-16 surrogate.
 */
export const lineOfTextSchema = z
  .string()
  .refine((s) => !CONTROL.test(s), "text without control characters")
  .refine((s) => !LONE_SURROGATE.test(s), "text without unpaired UTF-16 surrogates");

/** The platform's own id for a payout (PayPal's `sender_item_id`): unique per organisation and mode. */
export const referenceSchema = lineOfTextSchema.trim().min(1).max(200).meta({
  description: "Your own id for this payout; unique per organisation and mode",
  example: "bounty-2026-03-42",
});

export const notifySchema = z.enum(["email", "none"], { error: "email or none" }).meta({
  description:
    "`email` (default): we email the recipient their claim link. `none`: no invitation or reminder emails; show the payout's `claim_url` in your own app.",
});

export const expiresInDaysSchema = z
  .int("a whole number of days")
  .min(1, "at least 1 day")
  .max(365, "at most 365 days");

export const inlineRecipientSchema = z
  .strictObject({
    email: z.email("an email address").max(254),
    name: singleLine(z.string().trim().min(1).max(200)).optional(),
    country: countrySchema,
    locale: recipientLocaleSchema.optional(),
    external_id: singleLine(z.string().trim().min(1).max(200)).optional(),
  })
  .meta({ id: "InlineRecipient" });

export type InlineRecipient = {
  email: string;
  name: string | null;
  country: string;
  /** Null: not given (a known recipient keeps theirs). */
  locale: string | null;
  externalId: string | null;
};

export function toInlineRecipient(r: z.output<typeof inlineRecipientSchema>): InlineRecipient {
  return {
    email: r.email,
    name: r.name ?? null,
    country: r.country,
    locale: r.locale ?? null,
    externalId: r.external_id ?? null,
  };
}
