import type { DbOrTx } from "@/db/client";
import type { Scope } from "@/db/scope";
import { type SendEmailResult, sendEmail } from "@/lib/mail";
import { formatMoney } from "@/lib/money";
import { loadPayoutContext } from "@/lib/payouts/queries";
import { claimExpiredEmail, emailLocale } from "./claim-emails";
import { newestClaimLink } from "./links";
import { claimLocaleOfPayout } from "./verification";

/**
 * Tells the recipient their payout expired unclaimed, in their language, with the link
 * whose page asks the organisation for a new one. Meant for the `payout.expired` step:
 * one email per expiry (`payout-expired:{payout}:{reissues}`, so a reissued payout that
 * expires again is told again); nothing when the payout has moved on (reissued meanwhile)
 * or its platform delivers links itself (`notify: "none"`: it hears `payout.expired`).
 */
export async function sendPayoutExpiredNotice(
  db: DbOrTx,
  scope: Scope,
  payoutId: string,
): Promise<SendEmailResult["outcome"] | "not_needed"> {
  const row = await loadPayoutContext(db, scope, payoutId);
  if (row?.payout.status !== "expired" || row.payout.notify === "none") return "not_needed";
  const link = await newestClaimLink(db, scope, payoutId);
  if (!link) return "not_needed";
  const { payout, recipient, organisation } = row;
  const locale = emailLocale(await claimLocaleOfPayout(db, payout.id), recipient);
  const rendered = claimExpiredEmail({
    locale,
    brand: organisation,
    recipientName: recipient.name,
    amount: formatMoney(payout, locale),
    claimUrl: link.url,
    expiredAt: payout.expiresAt,
  });
  const { outcome } = await sendEmail(
    {
      idempotencyKey: `payout-expired:${payout.id}:${payout.reissues}`,
      to: recipient.email,
      ...rendered,
      kind: "payout_expired",
      organisationId: organisation.id,
      mode: payout.mode,
      subjectRef: payout.id,
    },
    { db },
  );
  return outcome;
}
