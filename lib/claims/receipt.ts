import type { DbOrTx } from "@/db/client";
import type { Scope } from "@/db/scope";
import { defaultLocale, isLocale } from "@/i18n/locales";
import { messagesByLocale } from "@/i18n/messages";
import { type SendEmailResult, sendEmail } from "@/lib/mail";
import { formatMoney } from "@/lib/money";
import { loadPayoutContext } from "@/lib/payouts/queries";
import { claimReceiptEmail } from "./claim-emails";
import { claimLocaleOfPayout } from "./verification";

/**
 * Emails the recipient a receipt for a paid payout, in the language they claimed in.
 * Meant for the `payout.paid` background step; keyed by payout and attempt, so a
 * retried step (or a second caller) sends one receipt per successful payment.
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
  const stored = await claimLocaleOfPayout(db, payout.id);
  const locale = isLocale(stored) ? stored : defaultLocale;
  const names: Record<string, { name: string } | undefined> =
    messagesByLocale[locale].claim.methods.options;
  const method = (payout.method && names[payout.method]?.name) ?? payout.method ?? "";
  const rendered = claimReceiptEmail({
    locale,
    organisation: organisation.name,
    supportEmail: organisation.supportEmail,
    amount: formatMoney(payout, locale),
    method,
    reference: payout.id,
    paidAt,
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
