import { z } from "zod";
import { isValidAbaRoutingNumber } from "./aba-routing";
import { accountHolderName, detailErrors, requiredText } from "./fields";
import { checkSepaIban, normalizeIban } from "./iban";

/*
 * Bank details are only ever collected by us in test mode. Live bank payouts collect
 * them on the provider's hosted onboarding (Stripe Connect), so account numbers never
 * reach our servers; these schemas keep the sandbox honest about what a bank needs.
 */

const digitsOnly = (value: string) => value.replace(/[\s-]/g, "");

export const usAchDetailsSchema = z.object({
  accountHolderName,
  routingNumber: requiredText()
    .transform(digitsOnly)
    .refine(isValidAbaRoutingNumber, detailErrors.routingNumberInvalid),
  accountNumber: requiredText()
    .transform(digitsOnly)
    .refine((v) => /^\d{4,17}$/.test(v), detailErrors.usAccountNumberInvalid),
  accountType: z.enum(["checking", "savings"], { error: detailErrors.accountTypeInvalid }),
});

export const sepaDetailsSchema = z.object({
  accountHolderName,
  iban: requiredText()
    .transform(normalizeIban)
    .superRefine((iban, ctx) => {
      const check = checkSepaIban(iban);
      if (check === "valid") return;
      ctx.addIssue({
        code: "custom",
        message:
          check === "not_sepa" ? detailErrors.ibanCountryUnsupported : detailErrors.ibanInvalid,
      });
    }),
});

export const ukFasterPaymentsDetailsSchema = z.object({
  accountHolderName,
  sortCode: requiredText()
    .transform(digitsOnly)
    .refine((v) => /^\d{6}$/.test(v), detailErrors.sortCodeInvalid),
  accountNumber: requiredText()
    .transform(digitsOnly)
    .refine((v) => /^\d{8}$/.test(v), detailErrors.ukAccountNumberInvalid),
});
