import { sql } from "drizzle-orm";
import { check, index, pgEnum, pgTable, text, timestamp, uniqueIndex } from "drizzle-orm/pg-core";
import { createdAt, modeEnum } from "./columns";
import { organisations } from "./organisations";
import { payouts, recipients } from "./payouts";

export const emailChangeStatusEnum = pgEnum("email_change_status", [
  "pending",
  "approved",
  "rejected",
  "withdrawn",
]);

/**
 * A recipient's email decides where a claim link, and so the money, goes: one member asks
 * for a change, a second one (finance or owner) approves it before it applies. At most one
 * request per recipient is pending; the approver is never the requester (checked here too).
 */
export const emailChangeRequests = pgTable(
  "email_change_requests",
  {
    id: text().primaryKey(),
    organisationId: text()
      .notNull()
      .references(() => organisations.id, { onDelete: "cascade" }),
    mode: modeEnum().notNull(),
    recipientId: text()
      .notNull()
      .references(() => recipients.id, { onDelete: "cascade" }),
    /** The payout it was asked from: its link is reissued to the new address. */
    payoutId: text()
      .notNull()
      .references(() => payouts.id, { onDelete: "cascade" }),
    fromEmail: text().notNull(),
    toEmail: text().notNull(),
    status: emailChangeStatusEnum().notNull().default("pending"),
    requestedBy: text().notNull(),
    /** The members' emails at the time, so the page and the log read well later. */
    requestedByLabel: text(),
    decidedBy: text(),
    decidedByLabel: text(),
    decidedAt: timestamp({ withTimezone: true }),
    createdAt: createdAt(),
  },
  (t) => [
    uniqueIndex().on(t.recipientId).where(sql`${t.status} = 'pending'`),
    index().on(t.organisationId, t.mode, t.payoutId),
    check(
      "email_change_second_member",
      sql`${t.status} <> 'approved' or (${t.decidedBy} is not null and ${t.decidedBy} <> ${t.requestedBy})`,
    ),
  ],
);
