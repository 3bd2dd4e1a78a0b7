import { sql } from "drizzle-orm";
import {
  boolean,
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
import { payouts, recipients } from "./payouts";

/**
 * One load of a sanctions list: who loaded which file, when, and how many entries it
 * held. Lists are the platform's, not an organisation's: every organisation screens
 * against the newest version of each list. A version is never changed after its load.
 */
export const sanctionsListVersions = pgTable(
  "sanctions_list_versions",
  {
    id: text().primaryKey(),
    /** The list's name, e.g. "OFAC SDN" or "EU consolidated"; versions of one list share it. */
    listName: text().notNull(),
    format: text().$type<"ofac_csv" | "generic_csv">().notNull(),
    /** Where it came from: file names, the fetched URL, or an upload's file name. */
    source: text().notNull(),
    /** `user:usr_…`, `cli`, or `system` (the daily fetch). */
    loadedBy: text().notNull(),
    entryCount: integer().notNull(),
    aliasCount: integer().notNull(),
    /** SHA-256 of the files as loaded, so an unchanged download is not loaded twice. */
    contentHash: text().notNull(),
    /** A fixture shipped for tests and the demo: never a real list. */
    fixture: boolean().notNull().default(false),
    /** When the background rescreen of open payouts against this version finished. */
    rescreenedAt: timestamp({ withTimezone: true }),
    createdAt: createdAt(),
  },
  (t) => [index().on(t.listName, t.createdAt)],
);

export type SanctionsAlias = { name: string; type: "aka" | "fka" | "nka" };

export const sanctionsEntries = pgTable(
  "sanctions_entries",
  {
    id: text().primaryKey(),
    versionId: text()
      .notNull()
      .references(() => sanctionsListVersions.id, { onDelete: "cascade" }),
    /** The list's own id for the entry (OFAC's ent_num), stable across versions. */
    uid: text().notNull(),
    name: text().notNull(),
    type: text().$type<"individual" | "entity" | "vessel" | "aircraft">(),
    programs: jsonb().$type<string[]>().notNull().default([]),
    /** ISO 3166-1 alpha-2 codes of the entry's addresses and nationality, where known. */
    countries: jsonb().$type<string[]>().notNull().default([]),
    aliases: jsonb().$type<SanctionsAlias[]>().notNull().default([]),
  },
  (t) => [index().on(t.versionId)],
);

/** Per organisation: name-match thresholds (hundredths of a score) and velocity limits. */
export const complianceSettings = pgTable("compliance_settings", {
  organisationId: text()
    .primaryKey()
    .references(() => organisations.id, { onDelete: "cascade" }),
  /** A name match scoring at least this (0..100) holds the payout for review. */
  reviewThreshold: integer().notNull().default(80),
  /** …and at least this blocks it. */
  blockThreshold: integer().notNull().default(97),
  recipientDailyCount: integer(),
  recipientMonthlyCount: integer(),
  /** Minor units per currency, as strings (JSON has no bigint). */
  recipientDailyAmount: jsonb().$type<Record<string, string>>().notNull().default({}),
  recipientMonthlyAmount: jsonb().$type<Record<string, string>>().notNull().default({}),
  organisationDailyAmount: jsonb().$type<Record<string, string>>().notNull().default({}),
  updatedAt: updatedAt(),
});

export const reviewStatusEnum = pgEnum("compliance_review_status", [
  "open",
  "approved",
  "rejected",
  "closed",
]);

/**
 * Why a payout was held, and what a reviewer decided. `findings` is the full
 * explanation (list entry, matched name, token pairs, limit hit, the other recipients of
 * a shared destination) for the dashboard; `reasonCodes` is all an integrator sees.
 */
export const complianceReviews = pgTable(
  "compliance_reviews",
  {
    id: text().primaryKey(),
    organisationId: text()
      .notNull()
      .references(() => organisations.id, { onDelete: "cascade" }),
    mode: modeEnum().notNull(),
    payoutId: text()
      .notNull()
      .references(() => payouts.id, { onDelete: "cascade" }),
    recipientId: text()
      .notNull()
      .references(() => recipients.id, { onDelete: "cascade" }),
    /** Where the hold came from: screening before the link, a rescreen, or the claim. */
    stage: text().$type<"prepare" | "rescreen" | "claim">().notNull(),
    reasonCodes: jsonb().$type<string[]>().notNull(),
    findings: jsonb().$type<Record<string, unknown>[]>().notNull(),
    /** Keys of the findings, so an approval clears them for this recipient next time. */
    findingKeys: jsonb().$type<string[]>().notNull().default([]),
    status: reviewStatusEnum().notNull().default("open"),
    decidedBy: text(),
    note: text(),
    decidedAt: timestamp({ withTimezone: true }),
    createdAt: createdAt(),
  },
  (t) => [
    index().on(t.organisationId, t.mode, t.status),
    index().on(t.payoutId),
    index().on(t.recipientId),
    // One open review per payout: a second hold adds nothing until the first is decided.
    uniqueIndex("compliance_reviews_open_payout_idx")
      .on(t.payoutId)
      .where(sql`${t.status} = 'open'`),
  ],
);

export type DestinationKind = "email" | "phone" | "iban" | "upi_id" | "pix_key";

/**
 * A payout destination a recipient used, as a keyed fingerprint (HMAC-SHA-256 with
 * DESTINATION_FINGERPRINT_KEY): equal destinations give equal fingerprints within the
 * platform, and the table holds no PayPal address, phone, IBAN, UPI id or Pix key.
 */
export const destinationFingerprints = pgTable(
  "destination_fingerprints",
  {
    organisationId: text()
      .notNull()
      .references(() => organisations.id, { onDelete: "cascade" }),
    mode: modeEnum().notNull(),
    kind: text().$type<DestinationKind>().notNull(),
    fingerprint: text().notNull(),
    recipientId: text()
      .notNull()
      .references(() => recipients.id, { onDelete: "cascade" }),
    payoutId: text()
      .notNull()
      .references(() => payouts.id, { onDelete: "cascade" }),
    createdAt: createdAt(),
  },
  (t) => [
    primaryKey({ columns: [t.organisationId, t.mode, t.kind, t.fingerprint, t.recipientId] }),
  ],
);

export const kybStatusEnum = pgEnum("kyb_status", [
  "unverified",
  "submitted",
  "approved",
  "rejected",
]);
export type KybStatus = (typeof kybStatusEnum.enumValues)[number];

export type BeneficialOwner = {
  name: string;
  /** ISO 3166-1 alpha-2. */
  country: string;
  /** Whole percent, 25..100. */
  ownership: number;
};

/** The organisation's own know-your-business record; live mode needs it approved. */
export const organisationKyb = pgTable("organisation_kyb", {
  organisationId: text()
    .primaryKey()
    .references(() => organisations.id, { onDelete: "cascade" }),
  status: kybStatusEnum().notNull().default("unverified"),
  /** The demo organisation: live mode is refused whatever the status. */
  testOnly: boolean().notNull().default(false),
  legalName: text(),
  registrationNumber: text(),
  /** ISO 3166-1 alpha-2. */
  registrationCountry: text(),
  address: text(),
  website: text(),
  owners: jsonb().$type<BeneficialOwner[]>().notNull().default([]),
  /** The owners' and the legal name's screening at submission, for the operator. */
  screening: jsonb().$type<Record<string, unknown>[]>().notNull().default([]),
  submittedBy: text(),
  submittedAt: timestamp({ withTimezone: true }),
  decidedBy: text(),
  decisionNote: text(),
  decidedAt: timestamp({ withTimezone: true }),
  updatedAt: updatedAt(),
});
