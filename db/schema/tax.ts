import { sql } from "drizzle-orm";
import {
  boolean,
  check,
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
import { createdAt, minorUnits, modeEnum, updatedAt } from "./columns";
import { organisations } from "./organisations";
import { recipients } from "./payouts";

/**
 * What a tax authority asks a payer to report, per jurisdiction and tax year, as data:
 * the form, the threshold and what counts toward it. Seeded by the migration that made
 * the table; a new year's figure is a new row, never a code change. A year without its
 * own row uses the latest earlier one.
 */
export const taxRules = pgTable(
  "tax_rules",
  {
    /** A name for the countries below: `US`, `EU`. */
    jurisdiction: text().notNull(),
    /** Calendar year of the payments. */
    taxYear: integer().notNull(),
    /** The information return: `1099-NEC`, `DAC7`. */
    reportForm: text().notNull(),
    /** ISO 3166-1 alpha-2 countries of residence the rule applies to. */
    countries: jsonb().$type<string[]>().notNull(),
    /** The certificate collected from the payee: `w9` or `w8ben`. */
    collectForm: text().notNull(),
    /** The currency the amount threshold is in; only payouts in it count toward it. */
    currency: text().notNull(),
    /** Reportable when a payee's yearly total reaches this (minor units). */
    amountThreshold: minorUnits().notNull(),
    /** …or when the number of payouts reaches this; null when the rule has no count test. */
    countThreshold: integer(),
    /** Methods whose payments do not count (reported by someone else). */
    excludedMethods: jsonb().$type<string[]>().notNull().default([]),
    /** Why they do not count, shown in the report. */
    exclusionNote: text(),
    /** W-9 entity types the form is not filed for (corporations, for 1099-NEC). */
    exemptEntityTypes: jsonb().$type<string[]>().notNull().default([]),
    /** Where the figure comes from. */
    source: text().notNull(),
  },
  (t) => [
    primaryKey({ columns: [t.jurisdiction, t.taxYear, t.reportForm] }),
    check("tax_rules_threshold_positive", sql`${t.amountThreshold} > 0`),
  ],
);

/**
 * An organisation's tax identity as a payer (the 1099's PAYER block) and how early it
 * collects: thresholds it lowered (never raised: the lower of the rule's and its own
 * applies) and a percentage of the threshold at which the claim already asks.
 */
export const organisationTaxSettings = pgTable(
  "organisation_tax_settings",
  {
    organisationId: text()
      .primaryKey()
      .references(() => organisations.id, { onDelete: "cascade" }),
    legalName: text(),
    /** The payer's EIN, sealed with TAX_ID_KEYS like every TIN. */
    tinSealed: text(),
    tinLast4: text(),
    address: jsonb().$type<TaxAddress>(),
    phone: text(),
    /** Ask for tax details once a payee's projected total reaches this % of a threshold. */
    collectPercent: integer().notNull().default(100),
    /** Per report form: lower thresholds of the organisation's own (minor units as strings). */
    thresholds: jsonb()
      .$type<Record<string, { amount?: string; count?: number }>>()
      .notNull()
      .default({}),
    /**
     * Whether API keys may request the reports that hold tax ids (1099-NEC, DAC7). Off by
     * default: keys are not members, and only finance and owner members see tax ids.
     */
    apiTaxReports: boolean().notNull().default(false),
    updatedAt: updatedAt(),
  },
  (t) => [
    check("organisation_tax_settings_collect_percent", sql`${t.collectPercent} between 1 and 100`),
  ],
);

export type TaxAddress = {
  line1: string;
  line2?: string;
  city: string;
  region?: string;
  postalCode?: string;
  /** ISO 3166-1 alpha-2. */
  country: string;
};

export const taxFormKindEnum = pgEnum("tax_form_kind", ["w9", "w8ben"]);
export type TaxFormKind = (typeof taxFormKindEnum.enumValues)[number];

/**
 * A payee's tax certificate (W-9 or W-8BEN) given to one organisation, with its
 * electronic signature. The TIN is sealed (lib/tax/tin-vault.ts) and only its last four
 * digits are kept in the clear, for masking. A newer form supersedes the older one;
 * at most one form per payee is current.
 */
export const taxForms = pgTable(
  "tax_forms",
  {
    id: text().primaryKey(),
    organisationId: text()
      .notNull()
      .references(() => organisations.id, { onDelete: "cascade" }),
    mode: modeEnum().notNull(),
    recipientId: text()
      .notNull()
      .references(() => recipients.id, { onDelete: "cascade" }),
    kind: taxFormKindEnum().notNull(),
    /** The revision the payee certified, e.g. `W-9 (Rev. March 2024)`. */
    formVersion: text().notNull(),
    name: text().notNull(),
    businessName: text(),
    /** W-9 federal tax classification. */
    entityType: text(),
    /** `ssn` (SSN or ITIN), `ein`, or `foreign` (W-8BEN); null when none was given. */
    tinType: text(),
    tinSealed: text(),
    tinLast4: text(),
    /** W-8BEN: why no foreign TIN was given. */
    noTinReason: text(),
    /** W-8BEN: country of citizenship. */
    citizenship: text(),
    /** W-8BEN: YYYY-MM-DD. */
    dateOfBirth: text(),
    address: jsonb().$type<TaxAddress>().notNull(),
    /** W-8BEN Part II, when claimed. */
    treaty: jsonb().$type<{
      country: string;
      article: string;
      rate: string;
      incomeType: string;
    } | null>(),
    /** The electronic signature: the name typed, when, from where. */
    signatureName: text().notNull(),
    signedAt: timestamp({ withTimezone: true }).notNull(),
    signedIp: text(),
    supersededAt: timestamp({ withTimezone: true }),
    createdAt: createdAt(),
  },
  (t) => [
    uniqueIndex("tax_forms_current_idx").on(t.recipientId).where(sql`${t.supersededAt} is null`),
    index().on(t.organisationId, t.mode, t.id),
    check(
      "tax_forms_tin_or_reason",
      sql`${t.tinSealed} is not null or ${t.noTinReason} is not null`,
    ),
  ],
);
