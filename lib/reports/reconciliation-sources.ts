import type postgres from "postgres";
import type { Scope } from "@/db/scope";

/**
 * One line of the reconciliation report: a check and what it found. `status` is `ok`
 * for a check that holds and `exception` for each thing that does not.
 */
export type ReconciliationLine = {
  source: string;
  check: string;
  status: "ok" | "exception";
  subject: string | null;
  currency: string | null;
  /** Minor units, as text, when the check compares amounts. */
  expected: string | null;
  actual: string | null;
  detail: string;
};

/**
 * Something the ledger can be reconciled against beyond its own invariants: a payment
 * provider's records of what it moved. A source reads inside the report's snapshot
 * transaction (`tx`) and yields its lines; register it in `reconciliationSources`. With
 * none registered, the report holds the internal checks only.
 */
export interface ReconciliationSource {
  /** Names the source in the report's `source` column, e.g. `stripe`. */
  name: string;
  lines(
    tx: postgres.TransactionSql,
    scope: Scope,
    period: { from: Date | null; to: Date | null },
  ): AsyncIterable<ReconciliationLine>;
}

/** The provider sources in use (the provider reconciliation table registers here). */
export const reconciliationSources: ReconciliationSource[] = [];
