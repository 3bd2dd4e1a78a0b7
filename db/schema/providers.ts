import { sql } from "drizzle-orm";
import {
  bigint,
  index,
  integer,
  jsonb,
  pgEnum,
  pgTable,
  primaryKey,
  text,
  timestamp,
  uniqueIndex,
} from "drizzle-orm/pg-core";
import { createdAt, modeEnum, updatedAt } from "./columns";
import { organisations } from "./organisations";
import { payouts } from "./payouts";

export const providerIdEnum = pgEnum("provider_id", ["stripe", "paypal", "tremendous"]);
export type ProviderId = (typeof providerIdEnum.enumValues)[number];

/**
 * One provider's credentials for one organisation and mode, sealed with the secret box
 * (the row's key is the authenticated context, so a sealed value copied to another row
 * does not open). `hint` is what the dashboard may show (the key's last characters).
 */
export const providerCredentials = pgTable(
  "provider_credentials",
  {
    organisationId: text()
      .notNull()
      .references(() => organisations.id, { onDelete: "cascade" }),
    mode: modeEnum().notNull(),
    provider: providerIdEnum().notNull(),
    sealed: text().notNull(),
    /** Settings that are not secret (a PayPal environment, Tremendous product ids…). */
    settings: jsonb().$type<Record<string, string>>().notNull().default({}),
    hint: text().notNull(),
    validatedAt: timestamp({ withTimezone: true }).notNull(),
    createdAt: createdAt(),
    updatedAt: updatedAt(),
  },
  (t) => [primaryKey({ columns: [t.organisationId, t.mode, t.provider] })],
);

/** Which providers pay a method, in the order they are tried (absent: the catalog's one). */
export const providerRoutes = pgTable(
  "provider_routes",
  {
    organisationId: text()
      .notNull()
      .references(() => organisations.id, { onDelete: "cascade" }),
    mode: modeEnum().notNull(),
    method: text().notNull(),
    providers: jsonb().$type<ProviderId[]>().notNull(),
    updatedAt: updatedAt(),
  },
  (t) => [primaryKey({ columns: [t.organisationId, t.mode, t.method] })],
);

export const providerAttemptStatusEnum = pgEnum("provider_attempt_status", [
  /** Sent, no answer recorded yet (or the provider could not be reached). */
  "submitting",
  /** The provider took it and is paying. */
  "accepted",
  "paid",
  /** The provider refused it; `failure_code` says why. */
  "declined",
  "returned",
  /** Checked at the provider: nothing was or will be paid under this key; the next provider may pay. */
  "closed",
]);
export type ProviderAttemptStatus = (typeof providerAttemptStatusEnum.enumValues)[number];

/**
 * Every hand-over of a payout's submission to a provider: one row per (submission
 * attempt, provider), in route order. The payout's timeline shows them; failover reads
 * them to know which provider holds the submission.
 */
export const providerAttempts = pgTable(
  "provider_attempts",
  {
    id: text().primaryKey(),
    organisationId: text()
      .notNull()
      .references(() => organisations.id, { onDelete: "cascade" }),
    mode: modeEnum().notNull(),
    payoutId: text()
      .notNull()
      .references(() => payouts.id, { onDelete: "cascade" }),
    /** The payout's submission attempt (`payouts.attempt`). */
    attempt: integer().notNull(),
    /** Position in the route: 0 for the first provider tried. */
    position: integer().notNull(),
    provider: providerIdEnum().notNull(),
    /** The idempotency key the provider got: the submission id. */
    submissionId: text().notNull(),
    status: providerAttemptStatusEnum().notNull(),
    providerReference: text(),
    /** What the provider was asked to pay (the amount less a fee the recipient bears). */
    amount: bigint({ mode: "bigint" }).notNull(),
    currency: text().notNull(),
    failureCode: text(),
    failureReason: text(),
    createdAt: createdAt(),
    updatedAt: updatedAt(),
  },
  (t) => [
    uniqueIndex().on(t.payoutId, t.attempt, t.provider),
    index().on(t.organisationId, t.mode, t.provider, t.providerReference),
  ],
);

/**
 * Who is submitting a payout's current attempt right now: a lease, so that the
 * submission function, a resumed one and the sweep take turns on one payout (the
 * route's state must be read and changed by one of them at a time), and a holder that
 * died gives the payout back when the lease runs out.
 */
export const submissionLeases = pgTable("submission_leases", {
  payoutId: text()
    .primaryKey()
    .references(() => payouts.id, { onDelete: "cascade" }),
  token: text().notNull(),
  expiresAt: timestamp({ withTimezone: true }).notNull(),
});

/**
 * Provider webhooks as received, once each: the signature was verified before the row
 * was written, and the provider's own event id keeps a replay out.
 */
export const providerEvents = pgTable(
  "provider_events",
  {
    id: text().primaryKey(),
    organisationId: text()
      .notNull()
      .references(() => organisations.id, { onDelete: "cascade" }),
    mode: modeEnum().notNull(),
    provider: providerIdEnum().notNull(),
    providerEventId: text().notNull(),
    type: text().notNull(),
    payload: jsonb().$type<Record<string, unknown>>().notNull(),
    /** What the adapter read it to mean (lib/providers/webhooks.ts), applied in the background. */
    effect: jsonb().$type<Record<string, unknown>>().notNull(),
    receivedAt: createdAt(),
    processedAt: timestamp({ withTimezone: true }),
    /** What applying it did: `paid`, `stale`, `unknown_reference`, `funding_credited`… */
    outcome: text(),
  },
  (t) => [
    uniqueIndex().on(t.organisationId, t.mode, t.provider, t.providerEventId),
    index().on(t.receivedAt).where(sql`${t.processedAt} is null`),
  ],
);

export const reconciliationExceptionKindEnum = pgEnum("reconciliation_exception_kind", [
  "missing_at_provider",
  "missing_in_ledger",
  "amount_mismatch",
  "status_mismatch",
  "duplicate_at_provider",
]);
export type ReconciliationExceptionKind =
  (typeof reconciliationExceptionKindEnum.enumValues)[number];

/** A difference between a provider's settled records and the ledger, found by a run. */
export const reconciliationExceptions = pgTable(
  "reconciliation_exceptions",
  {
    id: text().primaryKey(),
    organisationId: text()
      .notNull()
      .references(() => organisations.id, { onDelete: "cascade" }),
    mode: modeEnum().notNull(),
    provider: providerIdEnum().notNull(),
    kind: reconciliationExceptionKindEnum().notNull(),
    /** The day reconciled (UTC, YYYY-MM-DD): one run per provider and day. */
    period: text().notNull(),
    payoutId: text(),
    providerReference: text(),
    currency: text(),
    ledgerAmount: bigint({ mode: "bigint" }),
    providerAmount: bigint({ mode: "bigint" }),
    details: text().notNull(),
    createdAt: createdAt(),
  },
  (t) => [
    // A rerun of the same day finds the same differences and stores them once.
    uniqueIndex("reconciliation_exceptions_once_idx").on(
      t.organisationId,
      t.mode,
      t.provider,
      t.period,
      t.kind,
      sql`coalesce(${t.providerReference}, ${t.payoutId})`,
    ),
    index().on(t.organisationId, t.mode, t.createdAt),
  ],
);
