import { z } from "zod";
import type { CreateBatchBody } from "@/lib/batches/create-batch";
import { parseMajorAmount } from "@/lib/decimal-amount";
import type { Currency } from "@/lib/money";
import {
  countrySchema,
  descriptionSchema,
  recipientLocaleSchema,
} from "@/lib/payouts/input-schemas";
import { singleLine } from "@/lib/text";

export const csvColumns = [
  "email",
  "name",
  "country",
  "amount",
  "external_id",
  "description",
  "currency",
  "locale",
] as const;
export type CsvColumn = (typeof csvColumns)[number];
export const requiredColumns: CsvColumn[] = ["email", "country", "amount"];

/** The values of one row as typed, by column; what a person edits to fix the row. */
export type RawRow = Partial<Record<CsvColumn, string>>;

export type BatchItem = CreateBatchBody["items"][number];

export type RowIssue = { field: CsvColumn | "row"; message: string };

/** One invalid row: its spreadsheet row number (the header is row 1), values and reasons. */
export type RowError = { row: number; values: RawRow; issues: RowIssue[] };

const aliases: Record<string, CsvColumn> = {
  email: "email",
  e_mail: "email",
  email_address: "email",
  e_mail_address: "email",
  recipient_email: "email",
  name: "name",
  full_name: "name",
  recipient_name: "name",
  country: "country",
  country_code: "country",
  amount: "amount",
  external_id: "external_id",
  externalid: "external_id",
  reference: "external_id",
  description: "description",
  note: "description",
  currency: "currency",
  locale: "locale",
  language: "locale",
};

/** Maps a header cell to a known column ("E-mail address" → email), or null. */
export function columnFor(header: string): CsvColumn | null {
  const key = header
    .trim()
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, "_")
    .replace(/^_|_$/g, "");
  return aliases[key] ?? null;
}

const emailSchema = z.email("not a valid email address").max(254, "at most 254 characters");
const nameSchema = singleLine(z.string().max(200, "at most 200 characters"));
const externalIdSchema = z.string().max(200, "at most 200 characters");

function firstMessage(result: { success: boolean; error?: z.ZodError }): string {
  return result.error?.issues[0]?.message ?? "invalid";
}

/**
 * Checks one row and turns it into a batch item. Lenient where intent is obvious
 * (surrounding spaces, a lower-case country code), strict where money or identity is
 * at stake (amount precision, email shape).
 */
export function validateRow(
  raw: RawRow,
  currency: Currency,
): { item: BatchItem; issues: [] } | { item: null; issues: RowIssue[] } {
  const issues: RowIssue[] = [];
  const email = (raw.email ?? "").trim();
  const country = (raw.country ?? "").trim().toUpperCase();
  const name = (raw.name ?? "").trim();
  const externalId = (raw.external_id ?? "").trim();
  const description = (raw.description ?? "").trim();
  const rowCurrency = (raw.currency ?? "").trim().toUpperCase();
  const locale = (raw.locale ?? "").trim();

  if (!email) issues.push({ field: "email", message: "an email address is required" });
  else {
    const r = emailSchema.safeParse(email);
    if (!r.success) issues.push({ field: "email", message: firstMessage(r) });
  }
  if (!country) issues.push({ field: "country", message: "a country code such as US is required" });
  else {
    const r = countrySchema.safeParse(country);
    if (!r.success) {
      issues.push({ field: "country", message: `"${country}" is not an ISO 3166-1 country code` });
    }
  }
  const amount = parseMajorAmount(raw.amount ?? "", currency);
  if (!amount.ok) issues.push({ field: "amount", message: amount.message });
  if (rowCurrency && rowCurrency !== currency) {
    issues.push({
      field: "currency",
      message: `this campaign pays in ${currency}, the row says ${rowCurrency}`,
    });
  }
  const nameCheck = nameSchema.safeParse(name);
  if (!nameCheck.success) issues.push({ field: "name", message: firstMessage(nameCheck) });
  const externalCheck = externalIdSchema.safeParse(externalId);
  if (!externalCheck.success) {
    issues.push({ field: "external_id", message: firstMessage(externalCheck) });
  }
  const localeCheck = locale ? recipientLocaleSchema.safeParse(locale) : null;
  if (localeCheck && !localeCheck.success) {
    issues.push({ field: "locale", message: `"${locale}": ${firstMessage(localeCheck)}` });
  }
  if (description) {
    const r = descriptionSchema.safeParse(description);
    if (!r.success) issues.push({ field: "description", message: firstMessage(r) });
  }

  if (issues.length > 0 || !amount.ok) return { item: null, issues };
  return {
    item: {
      recipient: {
        email,
        country,
        ...(name ? { name } : {}),
        ...(localeCheck?.success ? { locale: localeCheck.data } : {}),
        ...(externalId ? { external_id: externalId } : {}),
      },
      amount: amount.amount,
      ...(description ? { description } : {}),
    },
    issues: [],
  };
}
