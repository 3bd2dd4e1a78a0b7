import { and, eq } from "drizzle-orm";
import { z } from "zod";
import type { DbOrTx } from "@/db/client";
import { emailChangeRequests, organisations, recipients } from "@/db/schema";
import type { Scope } from "@/db/scope";
import { inTransaction } from "@/db/transaction";
import { type ActingMember, recordMemberAudit } from "@/lib/audit/record";
import { sendInvites } from "@/lib/claims/invites";
import { issueClaimLink } from "@/lib/claims/links";
import { AppError } from "@/lib/errors";
import { newId } from "@/lib/ids";
import { sendEmail } from "@/lib/mail";
import { emailChangedEmail } from "@/lib/mail/templates/email-changed";
import { formatMoney } from "@/lib/money";
import { lockPayout } from "./member-actions";

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
        eq(emailChangeRequests.organisationId, scope.organisationId),
        eq(emailChangeRequests.mode, scope.mode),
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
    .where(
      and(
        eq(emailChangeRequests.organisationId, scope.organisationId),
        eq(emailChangeRequests.mode, scope.mode),
        eq(emailChangeRequests.id, requestId),
      ),
    )
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
    const [org] = await tx
      .select()
      .from(organisations)
      .where(eq(organisations.id, member.scope.organisationId));
    const notice = emailChangedEmail({
      brand: {
        name: org?.name ?? "",
        primaryColor: org?.primaryColor,
        logoUrl: org?.logoUrl,
        supportEmail: org?.supportEmail,
      },
      recipientName: recipient.name,
      amount: formatMoney(payout),
      newEmail: request.toEmail,
    });
    await sendEmail(
      {
        idempotencyKey: emailChangedKey(request.id),
        to: request.fromEmail,
        kind: "email_changed",
        organisationId: member.scope.organisationId,
        mode: member.scope.mode,
        subjectRef: payout.id,
        ...notice,
      },
      { db: tx },
    );
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
