import { and, eq } from "drizzle-orm";
import type { DbOrTx } from "@/db/client";
import { payouts } from "@/db/schema";
import { type Scope, tenantWhere } from "@/db/scope";
import { inTransaction } from "@/db/transaction";
import { type ActingMember, memberRef, recordMemberAudit } from "@/lib/audit/record";
import { claimInviteEmail, emailLocale } from "@/lib/claims/claim-emails";
import { inviteKey } from "@/lib/claims/invites";
import { type IssuedClaimLink, issueClaimLink, liveClaimLink } from "@/lib/claims/links";
import { claimLocaleOfPayout } from "@/lib/claims/verification";
import { AppError } from "@/lib/errors";
import { sendEmail } from "@/lib/mail";
import { formatMoney } from "@/lib/money";
import { applyPayoutEvent, type PayoutRow } from "./machine";
import { loadPayoutContext } from "./queries";

/**
 * What the dashboard and the API do to a payout's claim link, one function each: resend
 * the live link, or reissue it (a new link, the old one dead; an expired payout funded
 * again with a new window). Whoever acts is audited the same way: a member, or an API
 * key acting for the platform.
 */

/** Who acts: audited as `actor`, named `ref` on the payout's transitions. */
export type PayoutActor = ActingMember & { ref: string };

export function memberActor(member: ActingMember): PayoutActor {
  return { ...member, ref: memberRef(member) };
}

/** An API key is one actor for the platform: `api:<key id>` in the audit log, as elsewhere. */
export function apiKeyActor(scope: Scope, apiKeyId: string): PayoutActor {
  return { scope, actor: { id: `api:${apiKeyId}`, label: "API key" }, ref: `api_key:${apiKeyId}` };
}

/** The payout, in the actor's scope, locked for the rest of the action's transaction. */
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
  const locale = emailLocale(await claimLocaleOfPayout(db, payout.id), ctx.recipient);
  const rendered = claimInviteEmail({
    locale,
    brand: {
      name: ctx.organisation.name,
      primaryColor: ctx.organisation.primaryColor,
      logoUrl: ctx.organisation.logoUrl,
      supportEmail: ctx.organisation.supportEmail,
    },
    recipientName: ctx.recipient.name,
    amount: formatMoney(payout, locale),
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

export type Resend = { payout: PayoutRow; link: IssuedClaimLink; auditId: string };

/**
 * Decides to send the current link again, e.g. when the first email went to spam, and
 * audits it; `sendResentLink` sends it once the caller's transaction has committed. The
 * audit entry's id keys the email, so each resend sends exactly one email. A payout
 * whose platform delivers the link (`notify: "none"`) is never emailed by us.
 */
export async function resendLink(
  db: DbOrTx,
  actor: PayoutActor,
  payoutId: string,
): Promise<Resend> {
  return inTransaction(db, async (tx) => {
    const payout = await lockPayout(tx, actor.scope, payoutId);
    requireClaimable(payout, "resend");
    if (payout.notify === "none") {
      throw new AppError(
        "conflict",
        'This payout was created with notify: "none": its link is yours to deliver (claim_url), so Disburse does not email it.',
      );
    }
    const link = await liveClaimLink(tx, actor.scope, payoutId);
    if (!link) {
      throw new AppError("conflict", "This payout has no live link to resend; reissue it instead.");
    }
    const entry = await recordMemberAudit(tx, actor, {
      action: "payout.resend_link",
      target: { type: "payout", id: payoutId },
      after: { linkId: link.linkId },
    });
    return { payout, link, auditId: entry.id };
  });
}

export function sendResentLink(db: DbOrTx, scope: Scope, resend: Resend) {
  const { payout, link, auditId } = resend;
  return resendInvite(
    db,
    scope,
    payout,
    link,
    `${inviteKey(payout.id, link.linkId)}:resend:${auditId}`,
  );
}

export type Reissued = {
  payout: PayoutRow;
  link: IssuedClaimLink;
  /** The payout had expired: its funds were reserved again and its claim window restarted. */
  reopened: boolean;
};

/**
 * Issues a new link and kills the old one (a forwarded or leaked email stops working).
 * Once the caller's transaction has committed, `sendInvites` invites the recipient with
 * it (unless the platform delivers links itself).
 *
 * A claimable payout keeps its deadline. An expired one goes back to `claimable` through
 * the machine's `reissue` event, which reserves its amount again (`insufficient_funds`
 * when the balance cannot cover it, and nothing changes) and starts a new window of
 * `expiresInDays`, or of the payout's own window.
 */
export async function reissueLink(
  db: DbOrTx,
  actor: PayoutActor,
  payoutId: string,
  options: { expiresInDays?: number } = {},
): Promise<Reissued> {
  return inTransaction(db, async (tx) => {
    const { moved, refused } = await applyPayoutEvent(tx, actor.scope, payoutId, "reissue", {
      reason: "reissued",
      actor: actor.ref,
      changes:
        options.expiresInDays === undefined ? {} : { claimWindowDays: options.expiresInDays },
    });
    let payout: PayoutRow | undefined = moved[0];
    if (!payout) {
      if (!refused[0]?.current) throw new AppError("not_found", `No such payout: ${payoutId}`);
      payout = await lockPayout(tx, actor.scope, payoutId);
      requireClaimable(payout, "reissue");
      if (options.expiresInDays !== undefined) {
        throw new AppError(
          "validation_failed",
          "A claimable payout's new link keeps its deadline; expires_in_days applies when reissuing an expired payout.",
          { fieldErrors: [{ path: "expires_in_days", message: "only for an expired payout" }] },
        );
      }
    }
    const previous = await liveClaimLink(tx, actor.scope, payoutId);
    const link = await issueClaimLink(tx, { payoutId, expiresAt: payout.expiresAt });
    const reopened = moved.length > 0;
    await recordMemberAudit(tx, actor, {
      action: "payout.reissue_link",
      target: { type: "payout", id: payoutId },
      before: {
        status: reopened ? "expired" : payout.status,
        linkId: previous?.linkId ?? null,
      },
      after: {
        status: payout.status,
        linkId: link.linkId,
        previousLinksRevoked: true,
        expiresAt: payout.expiresAt,
        ...(reopened ? { reserved: payout.amount } : {}),
      },
    });
    return { payout, link, reopened };
  });
}
