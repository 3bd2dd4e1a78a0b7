import { charityIds } from "@/lib/methods/charities";
import { pixKeyTypes } from "@/lib/methods/details/local-rail-details";
import { giftCardBrandsFor } from "@/lib/methods/gift-card-brands";
import type { MethodId } from "@/lib/methods/types";

/**
 * How each method's details are asked for on a phone: which keyboard, what the browser
 * may autofill, and which answers are a choice rather than typing. The fields match the
 * method's details schema in lib/methods, which stays the one judge of validity.
 * Labels live in messages under `claim.details.<method>.<field>` (+ `…Hint`), choice
 * labels under `claim.details.<method>.options.<value>`.
 */
export type FieldSpec = {
  name: string;
  kind: "text" | "email" | "tel" | "choice";
  inputMode?: "text" | "email" | "tel" | "numeric";
  autoComplete?: string;
  autoCapitalize?: "none" | "characters" | "words";
  /** Choice values; `brandNames` are proper names shown as they are (gift card shops). */
  options?: readonly string[];
  brandNames?: Readonly<Record<string, string>>;
  /** The recipient's email on file is a good first guess (they just proved they own it). */
  prefillEmail?: boolean;
};

const holderName: FieldSpec = {
  name: "accountHolderName",
  kind: "text",
  autoComplete: "name",
  autoCapitalize: "words",
};
const walletAccount: FieldSpec = {
  name: "account",
  kind: "text",
  inputMode: "email",
  autoComplete: "email",
  autoCapitalize: "none",
  prefillEmail: true,
};
const digits = (name: string): FieldSpec => ({
  name,
  kind: "text",
  inputMode: "numeric",
  autoComplete: "off",
});

export function methodFields(method: MethodId, country: string): FieldSpec[] {
  switch (method) {
    case "us_ach":
      return [
        holderName,
        digits("routingNumber"),
        digits("accountNumber"),
        { name: "accountType", kind: "choice", options: ["checking", "savings"] },
      ];
    case "sepa":
      return [
        holderName,
        { name: "iban", kind: "text", autoComplete: "off", autoCapitalize: "characters" },
      ];
    case "uk_faster_payments":
      return [holderName, digits("sortCode"), digits("accountNumber")];
    case "paypal":
    case "venmo":
    case "interac":
      return [walletAccount];
    case "pix":
      return [
        { name: "keyType", kind: "choice", options: pixKeyTypes },
        { name: "key", kind: "text", autoComplete: "off", autoCapitalize: "none" },
      ];
    case "upi":
      return [
        {
          name: "vpa",
          kind: "text",
          inputMode: "email",
          autoComplete: "off",
          autoCapitalize: "none",
        },
      ];
    case "mpesa":
    case "gcash":
      return [{ name: "phone", kind: "tel", inputMode: "tel", autoComplete: "tel" }];
    case "gift_card": {
      const brands = giftCardBrandsFor(country);
      return [
        {
          name: "brand",
          kind: "choice",
          options: brands.map((b) => b.id),
          brandNames: Object.fromEntries(brands.map((b) => [b.id, b.name])),
        },
      ];
    }
    case "prepaid_visa":
      return [
        {
          name: "email",
          kind: "email",
          inputMode: "email",
          autoComplete: "email",
          prefillEmail: true,
        },
      ];
    case "charity":
      return [{ name: "charityId", kind: "choice", options: charityIds }];
  }
}
