import { z } from "zod";
import {
  type DetailErrorKey,
  detailErrors,
  looksLikeEmail,
  northAmericanPhone,
  phoneDigits,
  requiredText,
} from "./fields";

type AccountKind = "email" | "phone" | "handle";

/**
 * Wallets take one "account" box where people type whatever they log in with. The
 * schema works out which kind it is, because the provider's API wants to be told
 * (PayPal Payouts' `recipient_type`, Venmo's user handle, Interac's email or SMS).
 */
function walletAccount(
  recognise: (value: string) => { account: string; accountType: AccountKind } | null,
  error: DetailErrorKey,
) {
  return z.object({ account: requiredText() }).transform(({ account }, ctx) => {
    const recognised = recognise(account);
    if (recognised) return recognised;
    ctx.issues.push({ code: "custom", message: error, path: ["account"], input: account });
    return z.NEVER;
  });
}

const email = (value: string) =>
  looksLikeEmail(value) ? { account: value.toLowerCase(), accountType: "email" as const } : null;

/** E.164 with its plus sign: PayPal accounts exist worldwide, so the country code is needed. */
function internationalPhone(value: string) {
  const digits = phoneDigits(value);
  return /^\+[1-9]\d{7,14}$/.test(digits)
    ? { account: digits, accountType: "phone" as const }
    : null;
}

function northAmericanNumber(value: string) {
  const phone = northAmericanPhone(value);
  return phone ? { account: phone, accountType: "phone" as const } : null;
}

/** Venmo usernames are 5–30 letters, digits, hyphens or underscores; the `@` tells them from a phone. */
function venmoHandle(value: string) {
  const match = /^@([A-Za-z0-9_-]{5,30})$/.exec(value);
  return match ? { account: `@${match[1]}`, accountType: "handle" as const } : null;
}

export const paypalDetailsSchema = walletAccount(
  (v) => email(v) ?? internationalPhone(v),
  detailErrors.paypalAccountInvalid,
);

export const venmoDetailsSchema = walletAccount(
  (v) => venmoHandle(v) ?? email(v) ?? northAmericanNumber(v),
  detailErrors.venmoAccountInvalid,
);

export const interacDetailsSchema = walletAccount(
  (v) => email(v) ?? northAmericanNumber(v),
  detailErrors.interacContactInvalid,
);
