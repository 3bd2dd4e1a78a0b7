import type postgres from "postgres";
import { sql as client, type DbOrTx } from "@/db/client";
import type { Scope } from "@/db/scope";
import { logError } from "@/lib/log";
import { dac7Report } from "./generators/dac7";
import { ledgerReport } from "./generators/ledger";
import { payoutsReport } from "./generators/payouts";
import { recipientStatementReport } from "./generators/recipient-statement";
import { reconciliationReport } from "./generators/reconciliation";
import { tax1099NecReport } from "./generators/tax-1099-nec";
import type { Generator } from "./generators/types";
import { holdsTaxIds, type ReportType, reportParameterSchemas } from "./parameters";
import {
  completeReport,
  failReport,
  type ReportRow,
  setReportProgress,
  startReport,
} from "./reports";
import { chunkSink, deleteReportChunks } from "./storage";

export const generators: { [T in ReportType]: Generator<T> } = {
  payouts: payoutsReport,
  ledger: ledgerReport,
  reconciliation: reconciliationReport,
  tax_1099_nec: tax1099NecReport,
  dac7: dac7Report,
  recipient_statement: recipientStatementReport,
};

/**
 * A gauge that writes the report's progress when it moved by 2 points or more, at most
 * every quarter second and one write at a time, without making the generator wait: each
 * write is a commit, and a report of a million rows must not pay fifty of them in line.
 */
function progressGauge(db: DbOrTx, scope: Scope, id: string) {
  let written = 0;
  let writtenAt = 0;
  let writing = false;
  return async (fraction: number) => {
    const percent = Math.floor(Math.max(0, Math.min(1, fraction)) * 100);
    if (writing || percent - written < 2 || Date.now() - writtenAt < 250) return;
    written = percent;
    writtenAt = Date.now();
    writing = true;
    void setReportProgress(db, scope, id, percent)
      .catch(() => {
        // A missed progress write is overtaken by the next one, or by completion.
      })
      .finally(() => {
        writing = false;
      });
  };
}

/**
 * Generates a report's files: `running`, any half-written files of an earlier attempt
 * removed, each file streamed from a snapshot of the database into sealed chunks, then
 * `ready` with its counts and summary. A report already finished is left alone, so a
 * repeated event or retried step does nothing twice. Throws when generation fails; the
 * caller decides when to give up (`failReport`).
 */
export async function generateReport(
  db: DbOrTx,
  scope: Scope,
  reportId: string,
  options: { client?: postgres.Sql } = {},
): Promise<ReportRow | null> {
  const report = await startReport(db, scope, reportId);
  if (!report) return null;
  await deleteReportChunks(db, report.id);
  const type = report.type as ReportType;
  const parameters = reportParameterSchemas[type].parse(report.parameters);
  const keys = holdsTaxIds[type] ? "tax_ids" : "app";
  const generator = generators[type] as Generator<ReportType>;
  const result = await generator({
    db,
    client: options.client ?? client(),
    scope,
    parameters,
    file: (name) => chunkSink(db, report.id, name, keys),
    progress: progressGauge(db, scope, report.id),
  });
  return completeReport(db, scope, report.id, result);
}

/** Gives up on a report after its last attempt failed, saying so without internals. */
export async function giveUpOnReport(
  db: DbOrTx,
  scope: Scope,
  reportId: string,
  error: unknown,
): Promise<void> {
  logError(`report ${reportId} failed`, error);
  await failReport(
    db,
    scope,
    reportId,
    "The report could not be generated. Request it again; if it keeps failing, contact support with the report id.",
  );
}
