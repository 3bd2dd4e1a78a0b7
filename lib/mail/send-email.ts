import { createHash } from "node:crypto";
import { eq } from "drizzle-orm";
import { z } from "zod";
import { type DbOrTx, db as defaultDb } from "@/db/client";
import { emails, modeEnum } from "@/db/schema";
import { config } from "@/lib/config";
import { AppError } from "@/lib/errors";
import { newId } from "@/lib/ids";
import { devMailboxKeepsContent, sealContent, subjectAtRest } from "./content";
import { smtpTransport } from "./transport";

export const emailKinds = [
  "invite",
  "reminder",
  "receipt",
  "payout_failed",
  "claim_code",
  "endpoint_disabled",
  "sign_in",
  "invitation",
  "email_changed",
  "payout_stopped",
  "payout_expired",
  "help_requested",
] as const;

export const sendEmailInputSchema = z.object({
  /** Deterministic per message (`invite:{payoutId}:{linkId}`): the same key is sent once. */
  idempotencyKey: z.string().min(1).max(500),
  to: z.email(),
  subject: z.string().min(1).max(998),
  text: z.string().min(1),
  html: z.string().min(1).optional(),
  kind: z.enum(emailKinds),
  organisationId: z.string().optional(),
  /** Test-mode mail may stay in the dev mailbox; live-mode mail must leave over SMTP. */
  mode: z.enum(modeEnum.enumValues).optional(),
  /** What the mail is about (a payout id, an endpoint id), for timelines. */
  subjectRef: z.string().optional(),
  /** Secrets the subject carries (a one-time code): masked in the subject kept at rest. */
  subjectSecrets: z.array(z.string().min(1)).optional(),
  /** Hash of the dev-mailbox grant of the browser that asked for this mail (sign-in). */
  mailboxGrant: z.string().optional(),
});

export type SendEmailInput = z.input<typeof sendEmailInputSchema>;
export type EmailRow = typeof emails.$inferSelect;

export type SendEmailResult = {
  email: EmailRow;
  /** `sent`: handed to SMTP now; `stored`: kept in the dev mailbox; `duplicate`: the key was already sent or stored. */
  outcome: "sent" | "stored" | "duplicate";
};

type Mail = z.output<typeof sendEmailInputSchema>;

/** Refuses bad input, and live-mode mail that could only end up in the database. */
function parseMail(input: SendEmailInput, smtp: boolean): Mail {
  const parsed = sendEmailInputSchema.safeParse(input);
  if (!parsed.success) {
    throw new AppError("validation_failed", "The email is not valid.", {
      fieldErrors: parsed.error.issues.map((i) => ({ path: i.path.join("."), message: i.message })),
    });
  }
  if (!smtp && parsed.data.mode === "live") {
    throw new AppError(
      "live_mode_unavailable",
      "Live-mode email needs SMTP: set SMTP_URL. Live mail is never kept in the dev mailbox.",
    );
  }
  return parsed.data;
}

/**
 * The row kept for a mail: metadata, plus its content sealed only when the dev mailbox
 * will show it (`keepContent`). Nothing in it is a usable link, code or token.
 */
function emailRow(mail: Mail, keepContent: boolean) {
  const id = newId("email");
  return {
    id,
    idempotencyKey: mail.idempotencyKey,
    organisationId: mail.organisationId ?? null,
    mode: mail.mode ?? null,
    to: mail.to,
    subject: subjectAtRest(mail.subject, mail.subjectSecrets),
    content: keepContent
      ? sealContent(id, { subject: mail.subject, text: mail.text, html: mail.html ?? null })
      : null,
    mailboxGrant: keepContent ? (mail.mailboxGrant ?? null) : null,
    subjectRef: mail.subjectRef ?? null,
    kind: mail.kind,
  };
}

/** A stable Message-ID lets a mail server drop the copy a crash between send and commit could cause. */
function messageId(idempotencyKey: string): string {
  const digest = createHash("sha256").update(idempotencyKey).digest("hex").slice(0, 32);
  return `<${digest}@disburse.mail>`;
}

/**
 * Sends one email at most once per idempotency key. The row is written with
 * ON CONFLICT DO NOTHING and locked while SMTP is talked to, so a retried step or a
 * concurrent duplicate finds it sent and does nothing; a send that threw leaves no row,
 * so the retry sends. Without SMTP, test-mode mail is stored for the dev mailbox and
 * live-mode mail is refused before anything is written. Mail that leaves over SMTP is
 * sent from the input and kept as metadata only.
 */
export async function sendEmail(
  input: SendEmailInput,
  options: { db?: DbOrTx } = {},
): Promise<SendEmailResult> {
  const transport = smtpTransport();
  const mail = parseMail(input, transport !== null);
  const db = options.db ?? defaultDb;
  return db.transaction(async (tx) => {
    const inserted = await tx
      .insert(emails)
      .values(emailRow(mail, !transport && devMailboxKeepsContent()))
      .onConflictDoNothing({ target: emails.idempotencyKey })
      .returning();
    const [row] = inserted.length
      ? inserted
      : await tx
          .select()
          .from(emails)
          .where(eq(emails.idempotencyKey, mail.idempotencyKey))
          .for("update");
    if (!row) throw new Error(`email ${mail.idempotencyKey} vanished while being sent`);
    const fresh = inserted.length > 0;
    if (!transport) return { email: row, outcome: fresh ? "stored" : "duplicate" };
    if (row.sentAt) return { email: row, outcome: "duplicate" };

    await transport.sendMail({
      from: config().MAIL_FROM,
      to: row.to,
      subject: mail.subject,
      text: mail.text,
      ...(mail.html ? { html: mail.html } : {}),
      messageId: messageId(row.idempotencyKey),
    });
    const [sent] = await tx
      .update(emails)
      .set({ sentAt: new Date() })
      .where(eq(emails.id, row.id))
      .returning();
    return { email: sent ?? row, outcome: "sent" };
  });
}

const BULK_CHUNK = 1_000;

/**
 * Many emails at once, each at most once per key, for a campaign's invites. Without SMTP
 * the rows go in with multi-row INSERTs (the dev mailbox needs nothing else); with SMTP
 * each is sent through `sendEmail`, a few at a time over the pooled transport.
 */
export async function sendEmails(
  inputs: SendEmailInput[],
  options: { db?: DbOrTx; concurrency?: number } = {},
): Promise<{ sent: number; stored: number; duplicate: number }> {
  const counts = { sent: 0, stored: 0, duplicate: 0 };
  if (smtpTransport()) {
    let next = 0;
    const worker = async () => {
      while (next < inputs.length) {
        const input = inputs[next++] as SendEmailInput;
        counts[(await sendEmail(input, options)).outcome]++;
      }
    };
    await Promise.all(Array.from({ length: options.concurrency ?? 4 }, worker));
    return counts;
  }
  // Every mail is checked before any is written: a bad one refuses the whole call.
  const mails = inputs.map((input) => parseMail(input, false));
  const db = options.db ?? defaultDb;
  const keepContent = devMailboxKeepsContent();
  for (let i = 0; i < mails.length; i += BULK_CHUNK) {
    const chunk = mails.slice(i, i + BULK_CHUNK);
    const inserted = await db
      .insert(emails)
      .values(chunk.map((mail) => emailRow(mail, keepContent)))
      .onConflictDoNothing({ target: emails.idempotencyKey })
      .returning({ id: emails.id });
    counts.stored += inserted.length;
    counts.duplicate += chunk.length - inserted.length;
  }
  return counts;
}

/** Whether a mail with this key was sent or stored (a code whose mail never went out may be resent at once). */
export async function isEmailRecorded(db: DbOrTx, idempotencyKey: string): Promise<boolean> {
  const [row] = await db
    .select({ id: emails.id })
    .from(emails)
    .where(eq(emails.idempotencyKey, idempotencyKey));
  return Boolean(row);
}
