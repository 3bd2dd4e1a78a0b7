import Papa from "papaparse";
import { csvColumns, type RowError } from "./csv-rows";

/**
 * The invalid rows as a CSV a person can open beside their file: the row number, every
 * reason, then the row's values so it can be fixed and uploaded again.
 */
export function errorReportCsv(errors: RowError[]): string {
  return Papa.unparse(
    {
      fields: ["row", "errors", ...csvColumns],
      data: errors.map((e) => [
        String(e.row),
        e.issues
          .map((i) => (i.field === "row" ? i.message : `${i.field}: ${i.message}`))
          .join("; "),
        ...csvColumns.map((c) => e.values[c] ?? ""),
      ]),
    },
    // A spreadsheet must not run a cell that starts with "=" as a formula.
    { escapeFormulae: true },
  );
}
