import { index, pgTable, text, timestamp } from "drizzle-orm/pg-core";
import { createdAt, modeEnum } from "./columns";

/**
 * Every email we send, keyed so that a retried step never sends twice. Without SMTP,
 * test-mode mail stays here and is readable at /dev/mailbox (the dev mailbox).
 */
export const emails = pgTable(
  "emails",
  {
    id: text().primaryKey(),
    idempotencyKey: text().notNull().unique(),
    organisationId: text(),
    mode: modeEnum(),
    to: text().notNull(),
    subject: text().notNull(),
    text: text().notNull(),
    html: text(),
    /** What the mail is about (a payout id, a user id), for timelines. */
    subjectRef: text(),
    kind: text().notNull(),
    sentAt: timestamp({ withTimezone: true }),
    createdAt: createdAt(),
  },
  (t) => [index().on(t.to, t.createdAt), index().on(t.subjectRef)],
);
