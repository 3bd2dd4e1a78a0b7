import type { BatchStatus, PayoutStatus, payouts } from "@/db/schema";
import { findMethod } from "@/lib/methods/catalog";
import { type DeliveryWindow, deliveryWindow } from "@/lib/methods/speed";

type PayoutRow = typeof payouts.$inferSelect;

/**
 * Why a payout is where it is and what it waits for, as a stable code and a sentence,
 * derived from its status and its own data (never stored): it is always what the row
 * says now, in the API object and in every event that carries the object.
 *
 * Codes: `screening`, `awaiting_approval`, `awaiting_review`, `awaiting_claim`,
 * `claimed_submitting`, `provider_processing`, `paid`, `failed:<code>`,
 * `returned:<code>`, `expired`, `canceled`. There is no `awaiting_funds`: a payout only
 * exists once its whole amount is reserved, so none ever waits for money.
 */
export type StatusReason = { code: string; message: string };

/** A provider's failure that is already a code (`account_closed`) is kept; words become a generic code. */
const CODE_SHAPE = /^[a-z][a-z0-9_]{0,62}$/;
function outcomeCode(reason: string | null, fallback: string): string {
  return reason && CODE_SHAPE.test(reason) ? reason : fallback;
}

const day = (d: Date) => d.toISOString().slice(0, 10);

export function statusReason(
  row: Pick<PayoutRow, "status" | "notify" | "expiresAt" | "method" | "failureReason">,
  batchStatus?: BatchStatus | null,
): StatusReason {
  const method = row.method ? (findMethod(row.method)?.name ?? row.method) : null;
  const reasons: Record<PayoutStatus, () => StatusReason> = {
    pending: () =>
      batchStatus === "awaiting_approval"
        ? {
            code: "awaiting_approval",
            message:
              "Its campaign is waiting for a second approver; the claim link is issued once it is approved.",
          }
        : {
            code: "screening",
            message:
              "Funds are reserved and the recipient is being screened; the claim link is issued when screening passes, usually within seconds.",
          },
    awaiting_review: () => ({
      code: "awaiting_review",
      message:
        "Screening asked for a person to look: a member of your organisation clears or rejects it in the dashboard.",
    }),
    awaiting_tax_info: () => ({
      code: "awaiting_tax_info",
      message: `The recipient's payments from you this year reach a tax-reporting threshold: they fill in their tax form once on the claim page, by ${day(row.expiresAt)}.`,
    }),
    claimable: () => ({
      code: "awaiting_claim",
      message:
        row.notify === "none"
          ? `Waiting for the recipient to claim it with the link you deliver (claim_url), by ${day(row.expiresAt)}.`
          : `Waiting for the recipient to claim it with the link we emailed them, by ${day(row.expiresAt)}.`,
    }),
    claimed: () => ({
      code: "claimed_submitting",
      message: `The recipient chose ${method ?? "a method"}; the payout is being sent to the provider.`,
    }),
    processing: () => ({
      code: "provider_processing",
      message: `The provider is paying it out by ${method ?? "the chosen method"}; see expected_by.`,
    }),
    paid: () => ({
      code: "paid",
      message: "Paid: the provider confirmed the money was delivered.",
    }),
    failed: () => ({
      code: `failed:${outcomeCode(row.failureReason, "provider_declined")}`,
      message: `The provider could not pay it${row.failureReason ? ` (${row.failureReason})` : ""}. The funds are held; the recipient can choose another method with the same link.`,
    }),
    returned: () => ({
      code: `returned:${outcomeCode(row.failureReason, "provider_returned")}`,
      message: `The money came back from the recipient's bank or wallet${row.failureReason ? ` (${row.failureReason})` : ""}. The funds are held; the recipient can choose another method with the same link.`,
    }),
    expired: () => ({
      code: "expired",
      message: `The claim link expired on ${day(row.expiresAt)} and the funds were released; reissue the payout to try again.`,
    }),
    canceled: () => ({
      code: "canceled",
      message: "Canceled; its funds were released to the available balance.",
    }),
  };
  return reasons[row.status]();
}

/**
 * When the money should reach the recipient: the chosen method's delivery window from
 * the claim, while it is on its way (claimed or processing). Null when it depends on
 * someone (the recipient, a reviewer, an approver) or the payout has reached an outcome.
 */
export function expectedBy(
  row: Pick<PayoutRow, "status" | "method" | "claimedAt">,
): DeliveryWindow | null {
  if ((row.status !== "claimed" && row.status !== "processing") || !row.claimedAt) return null;
  const method = row.method ? findMethod(row.method) : undefined;
  return method ? deliveryWindow(method.speed, row.claimedAt) : null;
}
