import { z } from "zod";
import { charityIds } from "../charities";
import { allGiftCardBrandIds, giftCardBrandsFor } from "../gift-card-brands";
import { detailErrors, emailAddress } from "./fields";

/** Any known brand; `giftCardDetailsSchemaFor` narrows it to the recipient's country. */
export const giftCardDetailsSchema = z.object({
  brand: z
    .string({ error: detailErrors.giftCardBrandInvalid })
    .refine((brand) => allGiftCardBrandIds.includes(brand), detailErrors.giftCardBrandInvalid),
});

export function giftCardDetailsSchemaFor(country: string) {
  const brands = giftCardBrandsFor(country).map((b) => b.id);
  return z.object({
    brand: z
      .string({ error: detailErrors.giftCardBrandInvalid })
      .refine((brand) => brands.includes(brand), detailErrors.giftCardBrandInvalid),
  });
}

/** The virtual card's activation link goes to this address. */
export const prepaidVisaDetailsSchema = z.object({ email: emailAddress() });

export const charityDetailsSchema = z.object({
  charityId: z.enum(charityIds, { error: detailErrors.charityInvalid }),
});
