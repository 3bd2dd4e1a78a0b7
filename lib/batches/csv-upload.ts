import type { DbOrTx } from "@/db/client";
import type { Scope } from "@/db/scope";
import type { ActingMember } from "@/lib/audit/record";
import { AppError } from "@/lib/errors";
import { getBalances } from "@/lib/ledger";
import { type Currency, currencySchema } from "@/lib/money";
import { getApprovalThresholds } from "./approval";
import { createBatchAsMember, parseBatchSettings } from "./create-as-member";
import type { RowError } from "./csv-rows";
import { type CsvSource, type RowFixes, validateBatchCsv } from "./validate-csv";

/** How many invalid rows a preview lists in full; the error report always has them all. */
export const PREVIEW_ERROR_LIMIT = 2_000;

export type CsvPreview = {
  rowCount: number;
  validCount: number;
  errorCount: number;
  currency: Currency;
  /** Minor units, as a string: JSON has no bigint. */
  total: string;
  errors: RowError[];
  errorsTruncated: boolean;
  ignoredColumns: string[];
  approvalThreshold: string | null;
  needsApproval: boolean;
  available: string;
  sufficientFunds: boolean;
};

export function parseRowFixes(raw: unknown): RowFixes {
  if (raw === null || raw === undefined || raw === "") return {};
  try {
    const value = JSON.parse(String(raw)) as unknown;
    if (typeof value !== "object" || value === null || Array.isArray(value)) throw new Error();
    const fixes: RowFixes = {};
    for (const [row, values] of Object.entries(value)) {
      const n = Number(row);
      if (!Number.isInteger(n) || n < 2 || typeof values !== "object" || values === null)
        throw new Error();
      fixes[n] = Object.fromEntries(
        Object.entries(values as Record<string, unknown>).map(([k, v]) => [k, String(v ?? "")]),
      );
    }
    return fixes;
  } catch {
    throw new AppError("invalid_request", "The row corrections could not be read.");
  }
}

export function parseCurrency(raw: unknown): Currency {
  const currency = currencySchema.safeParse(raw);
  if (!currency.success) {
    throw new AppError("validation_failed", "Choose the campaign's currency.", {
      fieldErrors: [{ path: "currency", message: currency.error.issues[0]?.message ?? "invalid" }],
    });
  }
  return currency.data;
}

/** Checks a file (and the corrections typed so far) and says what committing it would do. */
export async function previewBatchCsv(
  db: DbOrTx,
  scope: Scope,
  params: { source: CsvSource; currency: Currency; fixes: RowFixes },
): Promise<CsvPreview> {
  const result = await validateBatchCsv(params.source, {
    currency: params.currency,
    fixes: params.fixes,
  });
  const [thresholds, balances] = await Promise.all([
    getApprovalThresholds(db, scope.organisationId),
    getBalances(db, scope),
  ]);
  const threshold = thresholds[params.currency] ?? null;
  const available = balances.find((b) => b.currency === params.currency)?.available ?? 0n;
  return {
    rowCount: result.rowCount,
    validCount: result.validCount,
    errorCount: result.errors.length,
    currency: params.currency,
    total: result.total.toString(),
    errors: result.errors.slice(0, PREVIEW_ERROR_LIMIT),
    errorsTruncated: result.errors.length > PREVIEW_ERROR_LIMIT,
    ignoredColumns: result.ignoredColumns,
    approvalThreshold: threshold === null ? null : threshold.toString(),
    needsApproval: threshold !== null && result.total > threshold,
    available: available.toString(),
    sufficientFunds: available >= result.total,
  };
}

/**
 * Commits a file only if every row is valid after the corrections: the server checks
 * the whole file again, whatever the browser showed, and writes nothing otherwise.
 */
export async function commitBatchCsv(
  db: DbOrTx,
  member: ActingMember,
  params: { source: CsvSource; settings: unknown; fixes: RowFixes },
) {
  const settings = parseBatchSettings(params.settings);
  const result = await validateBatchCsv(params.source, {
    currency: settings.currency,
    fixes: params.fixes,
  });
  if (result.errors.length > 0) {
    throw new AppError(
      "validation_failed",
      `${result.errors.length} row(s) are still invalid; fix them before creating the campaign.`,
      { meta: { errors: result.errors.slice(0, PREVIEW_ERROR_LIMIT) } },
    );
  }
  return createBatchAsMember(db, member, settings, result.items);
}
