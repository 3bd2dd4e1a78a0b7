import { z } from "zod";
import { isValidCnpj, isValidCpf } from "./brazil-tax-ids";
import {
  type DetailErrorKey,
  detailErrors,
  looksLikeEmail,
  phoneDigits,
  requiredText,
} from "./fields";

/** A mobile number typed in the local (`07…`) or international (`+254 7…`) way, stored as E.164. */
function mobileNumber(pattern: RegExp, countryCode: string, error: DetailErrorKey) {
  return requiredText().transform((value, ctx) => {
    const match = pattern.exec(phoneDigits(value));
    if (match) return `+${countryCode}${match[1]}`;
    ctx.issues.push({ code: "custom", message: error, input: value });
    return z.NEVER;
  });
}

/** Safaricom numbers: 07xx and the newer 01xx ranges. */
export const mpesaDetailsSchema = z.object({
  phone: mobileNumber(/^(?:\+?254|0)?([17]\d{8})$/, "254", detailErrors.mpesaPhoneInvalid),
});

/** Philippine mobiles are 09xx xxx xxxx, +63 9xx… internationally. */
export const gcashDetailsSchema = z.object({
  phone: mobileNumber(/^(?:\+?63|0)?(9\d{9})$/, "63", detailErrors.gcashPhoneInvalid),
});

/** A UPI virtual payment address: `name@psp`, case-insensitive. */
export const upiDetailsSchema = z.object({
  vpa: requiredText()
    .toLowerCase()
    .regex(/^[a-z0-9][a-z0-9._-]{1,255}@[a-z][a-z0-9]{1,63}$/, detailErrors.upiVpaInvalid),
});

export const pixKeyTypes = ["cpf", "cnpj", "email", "phone", "random"] as const;
export type PixKeyType = (typeof pixKeyTypes)[number];

const pixKeyRules: Record<
  PixKeyType,
  { normalize: (key: string) => string | null; error: DetailErrorKey }
> = {
  cpf: {
    normalize: (key) => {
      const digits = key.replace(/[.\-\s]/g, "");
      return isValidCpf(digits) ? digits : null;
    },
    error: detailErrors.pixCpfInvalid,
  },
  cnpj: {
    normalize: (key) => {
      const digits = key.replace(/[.\-/\s]/g, "");
      return isValidCnpj(digits) ? digits : null;
    },
    error: detailErrors.pixCnpjInvalid,
  },
  email: {
    normalize: (key) => (looksLikeEmail(key) ? key.toLowerCase() : null),
    error: detailErrors.emailInvalid,
  },
  // Pix phone keys are Brazilian mobiles: two-digit area code, then nine digits starting with 9.
  phone: {
    normalize: (key) => {
      const match = /^(?:\+?55)?([1-9]{2}9\d{8})$/.exec(phoneDigits(key));
      return match ? `+55${match[1]}` : null;
    },
    error: detailErrors.pixPhoneInvalid,
  },
  // A random key ("chave aleatória", EVP) is a UUID issued by the bank.
  random: {
    normalize: (key) =>
      /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i.test(key)
        ? key.toLowerCase()
        : null,
    error: detailErrors.pixRandomKeyInvalid,
  },
};

export const pixDetailsSchema = z
  .object({
    keyType: z.enum(pixKeyTypes, { error: detailErrors.pixKeyTypeInvalid }),
    key: requiredText(),
  })
  .transform(({ keyType, key }, ctx) => {
    const rule = pixKeyRules[keyType];
    const normalized = rule.normalize(key);
    if (normalized !== null) return { keyType, key: normalized };
    ctx.issues.push({ code: "custom", message: rule.error, path: ["key"], input: key });
    return z.NEVER;
  });
