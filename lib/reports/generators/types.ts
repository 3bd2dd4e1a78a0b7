import type postgres from "postgres";
import type { DbOrTx } from "@/db/client";
import type { ReportFileInfo } from "@/db/schema";
import type { Scope } from "@/db/scope";
import type { ReportParameters, ReportType } from "../parameters";
import type { FileSink } from "../storage";

/** What a generator gets: the scope, its parameters, files to write, and a progress gauge. */
export type ReportContext<T extends ReportType = ReportType> = {
  db: DbOrTx;
  /** The raw client, for COPY streams and cursors (both inside a snapshot transaction). */
  client: postgres.Sql;
  scope: Scope;
  parameters: ReportParameters<T>;
  /** A new file of the report; `rows` is reported when it is done. */
  file(name: string): FileSink;
  /** Fraction done, 0 to 1; cheap to call per row (it writes at most every 2%). */
  progress(fraction: number): Promise<void>;
};

export type GeneratedReport = {
  files: ReportFileInfo[];
  rowCount: number;
  summary: Record<string, unknown>;
};

export type Generator<T extends ReportType> = (
  context: ReportContext<T>,
) => Promise<GeneratedReport>;
