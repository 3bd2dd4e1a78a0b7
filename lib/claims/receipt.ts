import type { DbOrTx } from "@/db/client";
import type { Scope } from "@/db/scope";
import { defaultLocale, languageOf } from "@/i18n/locales";
import { messagesByLocale } from "@/i18n/messages";
import { type SendEmailResult, sendEmail } from "@/lib/mail";
import { giftCardBrandName } from "@/lib/methods/gift-card-brands";
import { formatMoney } from "@/lib/money";
import { loadPayoutContext } from "@/lib/payouts/queries";
import { claimReceiptEmail, emailLocale, type GiftCardDelivery } from "./claim-emails";
import { claimLocaleOfPayout } from "./verification";

/**
 * Emails the recipient a receipt for a paid payout, in the language they claimed in.
 * Meant for the `payout.paid` background step; keyed by payout and attempt, so a
 * retried step (or a second caller) sends one receipt per successful payment. A gift
 * card's receipt names the card and says how it arrives and how it is used.
 */
export async function sendPayoutReceipt(
  db: DbOrTx,
  scope: Scope,
  payoutId: string,
): Promise<SendEmailResult["outcome"] | "not_paid"> {
  const row = await loadPayoutContext(db, scope, payoutId);
  const paidAt = row?.payout.paidAt;
  if (row?.payout.status !== "paid" || !paidAt) return "not_paid";
  const { payout, recipient, organisation } = row;
  const locale = emailLocale(await claimLocaleOfPayout(db, payout.id), recipient);
  const language = languageOf(locale) ?? defaultLocale;
  const names: Record<string, { name: string } | undefined> =
    messagesByLocale[language].claim.methods.options;
  const method = (payout.method && names[payout.method]?.name) ?? payout.method ?? "";
  const brand =
    payout.method === "gift_card" ? giftCardBrandName(payout.methodDetails?.brand) : null;
  // The rewards partner emails the card to the address on file (lib/providers/tremendous.ts).
  const giftCard: GiftCardDelivery | undefined = brand
    ? { brand, deliveredTo: recipient.email }
    : undefined;
  const rendered = claimReceiptEmail({
    locale,
    organisation: organisation.name,
    supportEmail: organisation.supportEmail,
    amount: formatMoney(payout, locale),
    method,
    reference: payout.id,
    paidAt,
    giftCard,
  });
  const { outcome } = await sendEmail(
    {
      idempotencyKey: `receipt:${payout.id}:${payout.attempt}`,
      to: recipient.email,
      ...rendered,
      kind: "receipt",
      organisationId: organisation.id,
      mode: payout.mode,
      subjectRef: payout.id,
    },
    { db },
  );
  return outcome;
}
