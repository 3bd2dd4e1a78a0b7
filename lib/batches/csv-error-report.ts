import Papa from "papaparse";
import { csvColumns, type RowError } from "./csv-rows";

/**
 * The invalid rows as a CSV a person can open beside their file: the row number, every
 * reason, then the row's values so it can be fixed and uploaded again.
 */
export function errorReportCsv(errors: RowError[]): string {
  // The optional locale column only when a row has one: most files never use it.
  const columns = csvColumns.filter((c) => c !== "locale" || errors.some((e) => e.values.locale));
  return Papa.unparse(
    {
      fields: ["row", "errors", ...columns],
      data: errors.map((e) => [
        String(e.row),
        e.issues
          .map((i) => (i.field === "row" ? i.message : `${i.field}: ${i.message}`))
          .join("; "),
        ...columns.map((c) => e.values[c] ?? ""),
      ]),
    },
    // A spreadsheet must not run a cell that starts with "=" as a formula.
    { escapeFormulae: true },
  );
}
