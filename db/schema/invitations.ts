import { sql } from "drizzle-orm";
import { index, pgTable, text, timestamp, uniqueIndex } from "drizzle-orm/pg-core";
import { createdAt } from "./columns";
import { organisations, roleEnum } from "./organisations";

/**
 * An invitation to join an organisation with a role. The link carries a random token of
 * which only the SHA-256 is stored; it is accepted by a signed-in user whose verified
 * email is the invited one.
 */
export const invitations = pgTable(
  "invitations",
  {
    id: text().primaryKey(),
    organisationId: text()
      .notNull()
      .references(() => organisations.id, { onDelete: "cascade" }),
    /** Lower-cased, as Auth.js normalises sign-in emails. */
    email: text().notNull(),
    role: roleEnum().notNull(),
    tokenHash: text().notNull().unique(),
    invitedBy: text().notNull(),
    expiresAt: timestamp({ withTimezone: true }).notNull(),
    acceptedAt: timestamp({ withTimezone: true }),
    acceptedBy: text(),
    revokedAt: timestamp({ withTimezone: true }),
    createdAt: createdAt(),
  },
  (t) => [
    index().on(t.email),
    // One open invitation per person per organisation; inviting again replaces it.
    uniqueIndex("invitations_open_idx")
      .on(t.organisationId, t.email)
      .where(sql`${t.acceptedAt} is null and ${t.revokedAt} is null`),
  ],
);
