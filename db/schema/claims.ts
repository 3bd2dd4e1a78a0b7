import { sql } from "drizzle-orm";
import {
  index,
  integer,
  pgEnum,
  pgTable,
  primaryKey,
  text,
  timestamp,
  uniqueIndex,
} from "drizzle-orm/pg-core";
import { createdAt, modeEnum, updatedAt } from "./columns";
import { organisations } from "./organisations";
import { claimLinks, payouts } from "./payouts";

/**
 * One-time-code state per claim link. Attempts count per link, not per code, so
 * asking for a new code never buys a guesser more tries; a locked link stays locked
 * until the organisation issues a new one.
 */
export const claimVerifications = pgTable("claim_verifications", {
  claimLinkId: text()
    .primaryKey()
    .references(() => claimLinks.id, { onDelete: "cascade" }),
  /** HMAC-SHA256 of the current code under the server secret; null once used. */
  codeHash: text(),
  codeExpiresAt: timestamp({ withTimezone: true }),
  lastSentAt: timestamp({ withTimezone: true }),
  failedAttempts: integer().notNull().default(0),
  lockedAt: timestamp({ withTimezone: true }),
  verifiedAt: timestamp({ withTimezone: true }),
  /** The language the recipient last used on the claim pages, for the emails that follow. */
  locale: text(),
  createdAt: createdAt(),
  updatedAt: updatedAt(),
});

/** A verified recipient's session, bound to one claim link and its payout. */
export const claimSessions = pgTable(
  "claim_sessions",
  {
    id: text().primaryKey(),
    /** SHA-256 of the cookie value; the value itself only lives in the browser. */
    tokenHash: text().notNull().unique(),
    organisationId: text()
      .notNull()
      .references(() => organisations.id, { onDelete: "cascade" }),
    mode: modeEnum().notNull(),
    claimLinkId: text()
      .notNull()
      .references(() => claimLinks.id, { onDelete: "cascade" }),
    payoutId: text()
      .notNull()
      .references(() => payouts.id, { onDelete: "cascade" }),
    expiresAt: timestamp({ withTimezone: true }).notNull(),
    createdAt: createdAt(),
  },
  (t) => [index().on(t.payoutId)],
);

/**
 * Fixed-window counters for the claim pages' rate limits. Keys name the scope
 * (`code-send:link:…`, `code-send:ip:…`); IP addresses are stored only as hashes.
 */
export const claimRateLimits = pgTable(
  "claim_rate_limits",
  {
    key: text().notNull(),
    windowStart: timestamp({ withTimezone: true }).notNull(),
    count: integer().notNull().default(0),
  },
  (t) => [primaryKey({ columns: [t.key, t.windowStart] }), index().on(t.windowStart)],
);

/**
 * What happened on a claim link that is not a payout transition, for the payout's
 * timeline: each wrong code, the lock, and the recipient's requests to the organisation
 * (a new link for an expired, replaced or locked one; another way to be paid after the
 * only method failed). A request is recorded once per link, which makes it idempotent.
 */
export const claimActivityKindEnum = pgEnum("claim_activity_kind", [
  "wrong_code",
  "locked",
  "new_link_requested",
  "other_way_requested",
]);
export type ClaimActivityKind = (typeof claimActivityKindEnum.enumValues)[number];

export const claimActivity = pgTable(
  "claim_activity",
  {
    id: text().primaryKey(),
    organisationId: text()
      .notNull()
      .references(() => organisations.id, { onDelete: "cascade" }),
    mode: modeEnum().notNull(),
    payoutId: text()
      .notNull()
      .references(() => payouts.id, { onDelete: "cascade" }),
    claimLinkId: text()
      .notNull()
      .references(() => claimLinks.id, { onDelete: "cascade" }),
    kind: claimActivityKindEnum().notNull(),
    createdAt: createdAt(),
  },
  (t) => [
    index().on(t.payoutId, t.createdAt),
    uniqueIndex("claim_activity_once_per_link")
      .on(t.claimLinkId, t.kind)
      .where(sql`${t.kind} <> 'wrong_code'`),
  ],
);
