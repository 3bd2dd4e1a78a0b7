import type { DbOrTx } from "@/db/client";
import type { Scope } from "@/db/scope";
import { type SendEmailResult, sendEmail } from "@/lib/mail";
import { payoutStoppedEmail } from "@/lib/mail/templates/payout-stopped";
import { formatMoney } from "@/lib/money";
import { loadPayoutContext } from "@/lib/payouts/queries";

/** Cancellation reasons that are compliance's: the recipient is told, politely. */
export const stoppedReasons = [
  "review_rejected",
  "sanctioned_country",
  "sanctioned_region",
  "sanctions_list_match",
] as const;

export function isComplianceStop(reason: string | null | undefined): boolean {
  return (stoppedReasons as readonly string[]).includes(reason ?? "");
}

/**
 * Tells the recipient of a payout compliance stopped that it will not be paid, and who
 * to contact (the payer's support address), without saying why. One email per payout.
 */
export async function sendPayoutStoppedNotice(
  db: DbOrTx,
  scope: Scope,
  payoutId: string,
): Promise<SendEmailResult["outcome"] | "not_needed"> {
  const row = await loadPayoutContext(db, scope, payoutId);
  if (row?.payout.status !== "canceled" || !isComplianceStop(row.payout.failureReason)) {
    return "not_needed";
  }
  const { payout, recipient, organisation } = row;
  const rendered = payoutStoppedEmail({
    brand: organisation,
    recipientName: recipient.name,
    amount: formatMoney(payout, "en-US"),
  });
  const { outcome } = await sendEmail(
    {
      idempotencyKey: `payout-stopped:${payout.id}`,
      to: recipient.email,
      ...rendered,
      kind: "payout_stopped",
      organisationId: organisation.id,
      mode: payout.mode,
      subjectRef: payout.id,
    },
    { db },
  );
  return outcome;
}
