import { z } from "zod";

/**
 * Every message a details schema can produce. They are message KEYS, not prose: the
 * claim UI translates them with `messages/*.json`, and a test keeps the two in step.
 */
export const detailErrors = {
  required: "errors.required",
  accountHolderNameInvalid: "errors.account_holder_name_invalid",
  emailInvalid: "errors.email_invalid",
  paypalAccountInvalid: "errors.paypal_account_invalid",
  venmoAccountInvalid: "errors.venmo_account_invalid",
  interacContactInvalid: "errors.interac_contact_invalid",
  ibanInvalid: "errors.iban_invalid",
  ibanCountryUnsupported: "errors.iban_country_unsupported",
  sortCodeInvalid: "errors.sort_code_invalid",
  ukAccountNumberInvalid: "errors.uk_account_number_invalid",
  routingNumberInvalid: "errors.routing_number_invalid",
  usAccountNumberInvalid: "errors.us_account_number_invalid",
  accountTypeInvalid: "errors.account_type_invalid",
  pixKeyTypeInvalid: "errors.pix_key_type_invalid",
  pixCpfInvalid: "errors.pix_cpf_invalid",
  pixCnpjInvalid: "errors.pix_cnpj_invalid",
  pixPhoneInvalid: "errors.pix_phone_invalid",
  pixRandomKeyInvalid: "errors.pix_random_key_invalid",
  upiVpaInvalid: "errors.upi_vpa_invalid",
  mpesaPhoneInvalid: "errors.mpesa_phone_invalid",
  gcashPhoneInvalid: "errors.gcash_phone_invalid",
  giftCardBrandInvalid: "errors.gift_card_brand_invalid",
  charityInvalid: "errors.charity_invalid",
} as const;

export type DetailErrorKey = (typeof detailErrors)[keyof typeof detailErrors];

/**
 * A required text field, trimmed; missing and blank both read "required", and nothing
 * else is said about a blank field.
 */
export function requiredText() {
  return z
    .string({ error: detailErrors.required })
    .trim()
    .min(1, { error: detailErrors.required, abort: true });
}

export function emailAddress(error: DetailErrorKey = detailErrors.emailInvalid) {
  return requiredText().toLowerCase().pipe(z.email({ error }));
}

const emailShape = z.email();

export function looksLikeEmail(value: string): boolean {
  return emailShape.safeParse(value).success;
}

/** People type phone numbers with spaces, dashes, dots and brackets; none of it matters. */
export function phoneDigits(value: string): string {
  return value.replace(/[\s\-.()]/g, "");
}

export const accountHolderName = requiredText()
  .max(70, detailErrors.accountHolderNameInvalid)
  .regex(/^[^\d@]{2,}$/u, detailErrors.accountHolderNameInvalid);

/** North American numbers: area code and exchange never start with 0 or 1. */
export function northAmericanPhone(value: string): string | null {
  const match = /^(?:\+?1)?([2-9]\d{2}[2-9]\d{6})$/.exec(phoneDigits(value));
  return match ? `+1${match[1]}` : null;
}
