import { and, eq } from "drizzle-orm";
import type { DbOrTx } from "@/db/client";
import { payouts } from "@/db/schema";
import { type Scope, tenantWhere } from "@/db/scope";
import { inTransaction } from "@/db/transaction";
import { type ActingMember, memberRef, recordMemberAudit } from "@/lib/audit/record";
import { inviteKey, sendInvites } from "@/lib/claims/invites";
import { type IssuedClaimLink, issueClaimLink, liveClaimLink } from "@/lib/claims/links";
import { approveReview } from "@/lib/compliance/reviews";
import { AppError } from "@/lib/errors";
import { sendEmail } from "@/lib/mail";
import { inviteEmail } from "@/lib/mail/templates/invite";
import { formatMoney } from "@/lib/money";
import { cancelPayout } from "@/lib/payouts/cancel-payout";
import type { PayoutRow } from "@/lib/payouts/machine";
import { approveReviewedPayout } from "@/lib/payouts/prepare-payouts";
import { loadPayoutContext } from "@/lib/payouts/queries";

/** The payout, in the member's scope, locked for the rest of the action's transaction. */
export async function lockPayout(db: DbOrTx, scope: Scope, payoutId: string): Promise<PayoutRow> {
  const [row] = await db
    .select()
    .from(payouts)
    .where(and(tenantWhere(payouts, scope), eq(payouts.id, payoutId)))
    .for("update");
  if (!row) throw new AppError("not_found", `No such payout: ${payoutId}`);
  return row;
}

function requireClaimable(payout: PayoutRow, what: string) {
  if (payout.status !== "claimable") {
    throw new AppError(
      "invalid_state_transition",
      `Only a claimable payout has a link to ${what}; this one is ${payout.status.replace(/_/g, " ")}.`,
      { meta: { current: payout.status } },
    );
  }
}

/**
 * Renders and sends the claim invitation for one payout again under a key of its own:
 * the first invitation of a link is keyed by the link (`sendInvites`), so a resend needs
 * a distinct key to become a new email.
 */
async function resendInvite(
  db: DbOrTx,
  scope: Scope,
  payout: PayoutRow,
  link: IssuedClaimLink,
  idempotencyKey: string,
) {
  const ctx = await loadPayoutContext(db, scope, payout.id);
  if (!ctx) throw new AppError("not_found", `No such payout: ${payout.id}`);
  const amount = formatMoney(payout, "en-US");
  const rendered = inviteEmail({
    brand: {
      name: ctx.organisation.name,
      primaryColor: ctx.organisation.primaryColor,
      logoUrl: ctx.organisation.logoUrl,
      supportEmail: ctx.organisation.supportEmail,
    },
    recipientName: ctx.recipient.name,
    amount,
    claimUrl: link.url,
    expiresAt: link.expiresAt,
    message: ctx.batch?.message ?? ctx.organisation.claimMessage,
  });
  const { email } = await sendEmail({
    idempotencyKey,
    to: ctx.recipient.email,
    kind: "invite",
    organisationId: scope.organisationId,
    mode: scope.mode,
    subjectRef: payout.id,
    ...rendered,
  });
  return email;
}

/**
 * Sends the current link again, e.g. when the first email went to spam. The audit entry
 * is written first and its id keys the email, so each click sends exactly one email.
 */
export async function resendClaimLink(db: DbOrTx, member: ActingMember, payoutId: string) {
  const { payout, link, auditId } = await inTransaction(db, async (tx) => {
    const payout = await lockPayout(tx, member.scope, payoutId);
    requireClaimable(payout, "resend");
    const link = await liveClaimLink(tx, member.scope, payoutId);
    if (!link) {
      throw new AppError("conflict", "This payout has no live link to resend; reissue it instead.");
    }
    const entry = await recordMemberAudit(tx, member, {
      action: "payout.resend_link",
      target: { type: "payout", id: payoutId },
      after: { linkId: link.linkId },
    });
    return { payout, link, auditId: entry.id };
  });
  return resendInvite(
    db,
    member.scope,
    payout,
    link,
    `${inviteKey(payoutId, link.linkId)}:resend:${auditId}`,
  );
}

/** Issues a new link and kills the old one (a forwarded or leaked email stops working). */
export async function reissueClaimLink(db: DbOrTx, member: ActingMember, payoutId: string) {
  const link = await inTransaction(db, async (tx) => {
    const payout = await lockPayout(tx, member.scope, payoutId);
    requireClaimable(payout, "reissue");
    const link = await issueClaimLink(tx, { payoutId, expiresAt: payout.expiresAt });
    await recordMemberAudit(tx, member, {
      action: "payout.reissue_link",
      target: { type: "payout", id: payoutId },
      after: { linkId: link.linkId, previousLinksRevoked: true },
    });
    return link;
  });
  await sendInvites(db, member.scope, [payoutId]);
  return link;
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
