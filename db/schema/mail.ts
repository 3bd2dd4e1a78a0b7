import { sql } from "drizzle-orm";
import { index, pgTable, text, timestamp } from "drizzle-orm/pg-core";
import { createdAt, modeEnum } from "./columns";

/**
 * Every email we send, keyed so that a retried step never sends twice. A row is the
 * mail's metadata (who, what kind, about what, when), enough for timelines and dedup;
 * it never holds a usable link, code or token in the clear. Only mail the dev mailbox
 * shows (`DEV_MAILBOX` on, no SMTP, not live) keeps its subject and bodies, sealed in
 * `content` and purged after a day (lib/mail/content.ts).
 */
export const emails = pgTable(
  "emails",
  {
    id: text().primaryKey(),
    idempotencyKey: text().notNull().unique(),
    organisationId: text(),
    mode: modeEnum(),
    to: text().notNull(),
    /** The subject with any one-time code masked, as timelines show it. */
    subject: text().notNull(),
    /** Subject, text and HTML as sent, sealed with the secret box and bound to the row id. */
    content: text(),
    /** SHA-256 of the dev-mailbox grant cookie of the browser that asked for this mail (sign-in). */
    mailboxGrant: text(),
    /** What the mail is about (a payout id, a user id), for timelines. */
    subjectRef: text(),
    kind: text().notNull(),
    sentAt: timestamp({ withTimezone: true }),
    createdAt: createdAt(),
  },
  (t) => [
    index().on(t.to, t.createdAt),
    index().on(t.subjectRef),
    // The purge looks only at rows still holding content.
    index("emails_content_created_at_idx").on(t.createdAt).where(sql`${t.content} is not null`),
  ],
);
