import { and, eq } from "drizzle-orm";
import { z } from "zod";
import type { DbOrTx } from "@/db/client";
import { emailChangeRequests, organisations, payouts, recipients } from "@/db/schema";
import { type Scope, tenantWhere } from "@/db/scope";
import { inTransaction } from "@/db/transaction";
import { type ActingMember, recordMemberAudit } from "@/lib/audit/record";
import { sendInvites } from "@/lib/claims/invites";
import { issueClaimLink, issueClaimLinks } from "@/lib/claims/links";
import { AppError } from "@/lib/errors";
import { newId } from "@/lib/ids";
import { sendEmail } from "@/lib/mail";
import { emailChangedEmail } from "@/lib/mail/templates/email-changed";
import { formatMoney } from "@/lib/money";
import { lockPayout, type PayoutActor } from "./link-actions";
import type { PayoutRow } from "./machine";

/**
 * A recipient's email is where their claim link, and so their money, goes. Changing it
 * takes two members: one asks (support corrects typos), a second with the finance or
 * owner role approves (lib/auth/permissions.ts), and only then is the email changed, the
 * payout's link reissued to the new address and the old address told.
 */
export type EmailChangeRequest = typeof emailChangeRequests.$inferSelect;

const emailSchema = z.string().trim().pipe(z.email("an email address").max(254));

/** The key of the one notice the old address gets for one approved change. */
export const emailChangedKey = (requestId: string) => `email-changed:${requestId}`;

/** The request waiting for approval for the recipient of a payout, if any. */
export async function pendingEmailChange(
  db: DbOrTx,
  scope: Scope,
  recipientId: string,
): Promise<EmailChangeRequest | null> {
  const [row] = await db
    .select()
    .from(emailChangeRequests)
    .where(
      and(
        tenantWhere(emailChangeRequests, scope),
        eq(emailChangeRequests.recipientId, recipientId),
        eq(emailChangeRequests.status, "pending"),
      ),
    );
  return row ?? null;
}

async function lockRecipient(db: DbOrTx, recipientId: string) {
  const [recipient] = await db
    .select({ id: recipients.id, email: recipients.email, name: recipients.name })
    .from(recipients)
    .where(eq(recipients.id, recipientId))
    .for("update");
  if (!recipient) throw new AppError("not_found", "The payout's recipient is missing.");
  return recipient;
}

/** Asks for the payout's recipient to get a new email; nothing changes until approved. */
export async function requestEmailChange(
  db: DbOrTx,
  member: ActingMember,
  params: { payoutId: string; email: string },
): Promise<EmailChangeRequest> {
  const email = emailSchema.safeParse(params.email);
  if (!email.success) {
    throw new AppError("validation_failed", "The email address is not valid.", {
      fieldErrors: [{ path: "email", message: email.error.issues[0]?.message ?? "invalid" }],
    });
  }
  return inTransaction(db, async (tx) => {
    const payout = await lockPayout(tx, member.scope, params.payoutId);
    // Locked, so two members asking at once are taken one after the other.
    const recipient = await lockRecipient(tx, payout.recipientId);
    if (recipient.email.toLowerCase() === email.data.toLowerCase()) {
      throw new AppError("validation_failed", "That is already the recipient's email.", {
        fieldErrors: [{ path: "email", message: "unchanged" }],
      });
    }
    if (await pendingEmailChange(tx, member.scope, recipient.id)) {
      throw new AppError(
        "conflict",
        "A change of this recipient's email is already waiting for approval; approve, reject or withdraw it first.",
      );
    }
    const [request] = await tx
      .insert(emailChangeRequests)
      .values({
        id: newId("emailChange"),
        organisationId: member.scope.organisationId,
        mode: member.scope.mode,
        recipientId: recipient.id,
        payoutId: payout.id,
        fromEmail: recipient.email,
        toEmail: email.data,
        requestedBy: member.actor.id,
        requestedByLabel: member.actor.label ?? null,
      })
      .returning();
    const created = request as EmailChangeRequest;
    await recordMemberAudit(tx, member, {
      action: "payout.email_change_request",
      target: { type: "payout", id: payout.id },
      before: { recipientId: recipient.id, email: recipient.email },
      after: { recipientId: recipient.id, email: email.data, requestId: created.id },
    });
    return created;
  });
}

async function lockPendingRequest(db: DbOrTx, scope: Scope, requestId: string) {
  const [request] = await db
    .select()
    .from(emailChangeRequests)
    .where(and(tenantWhere(emailChangeRequests, scope), eq(emailChangeRequests.id, requestId)))
    .for("update");
  if (!request) throw new AppError("not_found", `No such email change request: ${requestId}`);
  if (request.status !== "pending") {
    throw new AppError(
      "invalid_state_transition",
      `This email change was already ${request.status}.`,
      {
        meta: { current: request.status },
      },
    );
  }
  return request;
}

/**
 * Tells the old address that a payout's link now goes to another one. Sent inside the
 * change's transaction, keyed by the change: the change does not commit unless the old
 * address was told (handed to SMTP, or kept in the dev mailbox), and is told once.
 */
async function tellOldAddress(
  tx: DbOrTx,
  scope: Scope,
  params: {
    payout: Pick<PayoutRow, "id" | "amount" | "currency">;
    recipientName: string | null;
    fromEmail: string;
    toEmail: string;
    idempotencyKey: string;
  },
) {
  const [org] = await tx
    .select()
    .from(organisations)
    .where(eq(organisations.id, scope.organisationId));
  const notice = emailChangedEmail({
    brand: {
      name: org?.name ?? "",
      primaryColor: org?.primaryColor,
      logoUrl: org?.logoUrl,
      supportEmail: org?.supportEmail,
    },
    recipientName: params.recipientName,
    amount: formatMoney(params.payout),
    newEmail: params.toEmail,
  });
  await sendEmail(
    {
      idempotencyKey: params.idempotencyKey,
      to: params.fromEmail,
      kind: "email_changed",
      organisationId: scope.organisationId,
      mode: scope.mode,
      subjectRef: params.payout.id,
      ...notice,
    },
    { db: tx },
  );
}

/**
 * The second member applies the change: the recipient's email, a new link for a claimable
 * payout (the old one dies), the audit entry, and the notice to the old address. The
 * notice is sent inside the transaction, keyed by the request: the change does not commit
 * unless the old address was told (handed to SMTP, or kept in the dev mailbox), and an
 * approval is told once.
 */
export async function approveEmailChange(
  db: DbOrTx,
  member: ActingMember,
  requestId: string,
): Promise<{ linkReissued: boolean }> {
  const result = await inTransaction(db, async (tx) => {
    const request = await lockPendingRequest(tx, member.scope, requestId);
    if (request.requestedBy === member.actor.id) {
      throw new AppError(
        "forbidden",
        "The member who asked for an email change cannot approve it; another finance or owner member must.",
      );
    }
    const payout = await lockPayout(tx, member.scope, request.payoutId);
    const recipient = await lockRecipient(tx, request.recipientId);
    if (recipient.email !== request.fromEmail) {
      throw new AppError(
        "conflict",
        "The recipient's email changed after this request was made; reject it and ask again.",
      );
    }
    await tx
      .update(recipients)
      .set({ email: request.toEmail, updatedAt: new Date() })
      .where(eq(recipients.id, recipient.id));
    const link =
      payout.status === "claimable"
        ? await issueClaimLink(tx, { payoutId: payout.id, expiresAt: payout.expiresAt })
        : null;
    // The table's check refuses an approver who is the requester, whatever the code above.
    await tx
      .update(emailChangeRequests)
      .set({
        status: "approved",
        decidedBy: member.actor.id,
        decidedByLabel: member.actor.label ?? null,
        decidedAt: new Date(),
      })
      .where(eq(emailChangeRequests.id, request.id));
    await recordMemberAudit(tx, member, {
      action: "payout.correct_email",
      target: { type: "payout", id: payout.id },
      before: { recipientId: recipient.id, email: request.fromEmail },
      after: {
        recipientId: recipient.id,
        email: request.toEmail,
        linkReissued: link !== null,
        requestId: request.id,
        requestedBy: request.requestedByLabel ?? request.requestedBy,
      },
    });
    await tellOldAddress(tx, member.scope, {
      payout,
      recipientName: recipient.name,
      fromEmail: request.fromEmail,
      toEmail: request.toEmail,
      idempotencyKey: emailChangedKey(request.id),
    });
    return { payoutId: payout.id, linkReissued: link !== null };
  });
  if (result.linkReissued) await sendInvites(db, member.scope, [result.payoutId]);
  return { linkReissued: result.linkReissued };
}

/**
 * Closes a pending request without changing anything: an approver rejects it, or the
 * member who asked withdraws it (a typo in the new address).
 */
export async function closeEmailChange(
  db: DbOrTx,
  member: ActingMember,
  params: { requestId: string; outcome: "rejected" | "withdrawn" },
): Promise<EmailChangeRequest> {
  return inTransaction(db, async (tx) => {
    const request = await lockPendingRequest(tx, member.scope, params.requestId);
    if (params.outcome === "withdrawn" && request.requestedBy !== member.actor.id) {
      throw new AppError("forbidden", "Only the member who asked for this change can withdraw it.");
    }
    const [closed] = await tx
      .update(emailChangeRequests)
      .set({
        status: params.outcome,
        decidedBy: member.actor.id,
        decidedByLabel: member.actor.label ?? null,
        decidedAt: new Date(),
      })
      .where(eq(emailChangeRequests.id, request.id))
      .returning();
    await recordMemberAudit(tx, member, {
      action:
        params.outcome === "rejected"
          ? "payout.email_change_reject"
          : "payout.email_change_withdraw",
      target: { type: "payout", id: request.payoutId },
      before: { requestId: request.id, status: "pending", email: request.toEmail },
      after: { requestId: request.id, status: params.outcome },
    });
    return closed as EmailChangeRequest;
  });
}

/**
 * The platform changes a recipient's email through the API (`PATCH /recipients/{id}`).
 * An API key acts for the platform as one actor, so there is no second approval; what
 * the dashboard's approval does happens here in the same transaction as the change:
 * each claimable payout of the recipient gets a new link (the old one dies) that goes to
 * the new address (unless the platform delivers links itself), the old address is told
 * once per payout, and the change is audited with the email before and after. A change
 * only of letter case moves nothing.
 */
export async function changeRecipientEmail(
  tx: DbOrTx,
  actor: PayoutActor,
  params: {
    recipient: { id: string; name: string | null };
    fromEmail: string;
    toEmail: string;
  },
): Promise<{ reissued: string[] }> {
  const { recipient, fromEmail, toEmail } = params;
  if (fromEmail.toLowerCase() === toEmail.toLowerCase()) return { reissued: [] };
  const claimable = await tx
    .select()
    .from(payouts)
    .where(
      and(
        tenantWhere(payouts, actor.scope),
        eq(payouts.recipientId, recipient.id),
        eq(payouts.status, "claimable"),
      ),
    )
    .for("update");
  await issueClaimLinks(
    tx,
    claimable.map((p) => ({ payoutId: p.id, expiresAt: p.expiresAt })),
  );
  const entry = await recordMemberAudit(tx, actor, {
    action: "recipient.change_email",
    target: { type: "recipient", id: recipient.id },
    before: { email: fromEmail },
    after: { email: toEmail, linksReissued: claimable.map((p) => p.id) },
  });
  for (const payout of claimable) {
    await tellOldAddress(tx, actor.scope, {
      payout,
      recipientName: recipient.name,
      fromEmail,
      toEmail,
      idempotencyKey: `email-changed:${entry.id}:${payout.id}`,
    });
  }
  return { reissued: claimable.map((p) => p.id) };
}
