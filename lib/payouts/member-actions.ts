import type { DbOrTx } from "@/db/client";
import { inTransaction } from "@/db/transaction";
import { type ActingMember, memberRef, recordMemberAudit } from "@/lib/audit/record";
import { sendInvites } from "@/lib/claims/invites";
import { approveReview } from "@/lib/compliance/reviews";
import { cancelPayout } from "@/lib/payouts/cancel-payout";
import { approveReviewedPayout } from "@/lib/payouts/prepare-payouts";
import { memberActor, reissueLink, resendLink, sendResentLink } from "./link-actions";

/** Sends the current link again, e.g. when the first email went to spam. */
export async function resendClaimLink(db: DbOrTx, member: ActingMember, payoutId: string) {
  const resend = await resendLink(db, memberActor(member), payoutId);
  return sendResentLink(db, member.scope, resend);
}

/**
 * Issues a new link and kills the old one, and emails it; an expired payout is funded
 * again and gets a new claim window (see `reissueLink`).
 */
export async function reissueClaimLink(db: DbOrTx, member: ActingMember, payoutId: string) {
  const { link, reopened } = await reissueLink(db, memberActor(member), payoutId);
  await sendInvites(db, member.scope, [payoutId]);
  return { ...link, reopened };
}

/** Cancels and releases the funds; the link dies with the transition. */
export async function cancelPayoutAsMember(
  db: DbOrTx,
  member: ActingMember,
  params: { payoutId: string; reason?: string },
) {
  return inTransaction(db, async (tx) => {
    const payout = await cancelPayout(tx, member.scope, {
      payoutId: params.payoutId,
      reason: params.reason?.trim() || "canceled_by_organisation",
      actor: memberRef(member),
    });
    await recordMemberAudit(tx, member, {
      action: "payout.cancel",
      target: { type: "payout", id: payout.id },
      before: { status: payout.previousStatus },
      after: {
        status: payout.status,
        reason: params.reason?.trim() || null,
        released: payout.amount,
      },
    });
    return payout;
  });
}

/** A reviewer clears a held payout: it becomes claimable and the invitation goes out. */
export async function clearHeldPayout(
  db: DbOrTx,
  member: ActingMember,
  params: { payoutId: string; note?: string },
) {
  await inTransaction(db, async (tx) => {
    await approveReviewedPayout(tx, member.scope, {
      payoutId: params.payoutId,
      actor: memberRef(member),
      reason: "review_cleared",
    });
    await recordMemberAudit(tx, member, {
      action: "payout.review_clear",
      target: { type: "payout", id: params.payoutId },
      before: { status: "awaiting_review" },
      after: { status: "claimable", note: params.note?.trim() || null },
    });
    await approveReview(tx, member, params);
  });
  // The reviewed-payout function sends the same invite under the same key; whichever
  // runs first sends it, the other finds it sent.
  await sendInvites(db, member.scope, [params.payoutId]);
}
