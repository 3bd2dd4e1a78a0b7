import type { DbOrTx } from "@/db/client";
import type { Scope } from "@/db/scope";
import { liveClaimLink } from "@/lib/claims/links";
import { type SendEmailResult, sendEmail } from "@/lib/mail";
import { payoutFailedEmail } from "@/lib/mail/templates/payout-failed";
import { formatMoney } from "@/lib/money";
import { loadPayoutContext } from "@/lib/payouts/queries";

/**
 * Tells the recipient their chosen method did not work (a failure, or a return after
 * payment) and sends them back to their link to pick another. One email per attempt and
 * outcome; nothing when the payout has moved on or its link is no longer live, or when
 * the platform delivers its link itself (`notify: "none"`: it hears `payout.failed`).
 */
export async function sendPayoutFailedNotice(
  db: DbOrTx,
  scope: Scope,
  payoutId: string,
): Promise<SendEmailResult["outcome"] | "not_needed"> {
  const row = await loadPayoutContext(db, scope, payoutId);
  if (
    !row ||
    row.payout.notify === "none" ||
    (row.payout.status !== "failed" && row.payout.status !== "returned")
  ) {
    return "not_needed";
  }
  const link = await liveClaimLink(db, scope, payoutId);
  if (!link) return "not_needed";
  const { payout, recipient, organisation } = row;
  const rendered = payoutFailedEmail({
    brand: organisation,
    recipientName: recipient.name,
    amount: formatMoney(payout, "en-US"),
    claimUrl: link.url,
  });
  const { outcome } = await sendEmail(
    {
      idempotencyKey: `payout-${payout.status}:${payout.id}:${payout.attempt}`,
      to: recipient.email,
      ...rendered,
      kind: "payout_failed",
      organisationId: organisation.id,
      mode: payout.mode,
      subjectRef: payout.id,
    },
    { db },
  );
  return outcome;
}
