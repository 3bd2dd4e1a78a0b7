import { Readable } from "node:stream";
import Papa from "papaparse";
import { AppError } from "@/lib/errors";
import type { Currency } from "@/lib/money";
import {
  type BatchItem,
  type CsvColumn,
  columnFor,
  type RawRow,
  type RowError,
  requiredColumns,
  validateRow,
} from "./csv-rows";
import { describeConflicts, recipientConflicts } from "./recipient-conflicts";

export const MAX_CSV_ROWS = 100_000;

export type CsvValidation = {
  /** Data rows in the file, blank lines not counted. */
  rowCount: number;
  validCount: number;
  /** Sum of the valid rows, in minor units of the campaign's currency. */
  total: bigint;
  /** Every invalid row, in file order. */
  errors: RowError[];
  /** The valid rows as batch items, in file order. */
  items: BatchItem[];
  /** Header cells that matched no known column; their values are ignored. */
  ignoredColumns: string[];
};

export type CsvSource = string | ReadableStream<Uint8Array> | Readable;

/** Corrections typed in the preview, by spreadsheet row number; they replace the file's values. */
export type RowFixes = Record<number, RawRow>;

/**
 * The text papaparse gets at a time. Its stream parser pauses every few rows until they
 * are read, and each resume re-reads what is left of the chunk: a 100,000-row file in one
 * chunk (a string, or an uploaded File's stream) took minutes to check instead of seconds.
 */
const PIECE_CHARS = 64 * 1024;

async function* inPieces(chunks: AsyncIterable<unknown> | Iterable<unknown>) {
  const decoder = new TextDecoder();
  for await (const chunk of chunks) {
    const text =
      typeof chunk === "string" ? chunk : decoder.decode(chunk as Uint8Array, { stream: true });
    for (let at = 0; at < text.length; at += PIECE_CHARS) yield text.slice(at, at + PIECE_CHARS);
  }
  const rest = decoder.decode();
  if (rest) yield rest;
}

function toReadable(source: CsvSource): Readable {
  const chunks =
    typeof source === "string"
      ? [source]
      : source instanceof Readable
        ? source
        : Readable.fromWeb(source as import("node:stream/web").ReadableStream<Uint8Array>);
  return Readable.from(inPieces(chunks));
}

/**
 * Streams a campaign CSV through papaparse row by row, so a 100,000-row file is never
 * held as one string, and checks every row. Nothing is written: the caller commits the
 * items only when `errors` is empty. A missing required column or too many rows is a
 * file-level error (AppError) since no row-by-row report would help.
 */
export async function validateBatchCsv(
  source: CsvSource,
  options: { currency: Currency; fixes?: RowFixes; maxRows?: number },
): Promise<CsvValidation> {
  const maxRows = options.maxRows ?? MAX_CSV_ROWS;
  const fixes = options.fixes ?? {};
  const parser = Papa.parse(Papa.NODE_STREAM_INPUT, {
    header: false,
    skipEmptyLines: "greedy",
  }) as unknown as NodeJS.ReadWriteStream;
  const input = toReadable(source);
  input.on("error", (error) => parser.emit("error", error));
  input.pipe(parser);

  const result: CsvValidation = {
    rowCount: 0,
    validCount: 0,
    total: 0n,
    errors: [],
    items: [],
    ignoredColumns: [],
  };
  let columns: (CsvColumn | null)[] | null = null;
  const sameRecipient = recipientConflicts();
  let line = 1;

  for await (const cells of parser as AsyncIterable<string[]>) {
    if (!columns) {
      columns = cells.map((cell, i) => {
        const column = columnFor(cell.replace(/^\uFEFF/, ""));
        if (!column && cell.trim()) result.ignoredColumns.push(cell.trim());
        if (
          column &&
          cells.slice(0, i).some((c) => columnFor(c.replace(/^\uFEFF/, "")) === column)
        ) {
          throw new AppError(
            "validation_failed",
            `The column "${column}" appears twice in the header.`,
          );
        }
        return column;
      });
      const missing = requiredColumns.filter((c) => !columns?.includes(c));
      if (missing.length > 0) {
        input.destroy();
        throw new AppError(
          "validation_failed",
          `The file's first line must name the columns; missing: ${missing.join(", ")}.`,
          { fieldErrors: missing.map((c) => ({ path: c, message: "column missing" })) },
        );
      }
      continue;
    }
    line++;
    result.rowCount++;
    if (result.rowCount > maxRows) {
      input.destroy();
      throw new AppError(
        "payload_too_large",
        `A campaign file holds at most ${maxRows.toLocaleString("en-US")} rows; split it into several campaigns.`,
      );
    }
    const values: RawRow = {};
    columns.forEach((column, i) => {
      if (column) values[column] = cells[i] ?? "";
    });
    Object.assign(values, fixes[line]);
    const checked = validateRow(values, options.currency);
    const issues = [...checked.issues];
    if (checked.item?.recipient.external_id) {
      const id = checked.item.recipient.external_id;
      const conflicts = sameRecipient(line, id, checked.item.recipient);
      if (conflicts.length > 0) {
        issues.push({
          field: "external_id",
          message: describeConflicts(id, conflicts, (row) => `Row ${row}`),
        });
      }
    }
    if (checked.item && issues.length === 0) {
      result.validCount++;
      result.total += checked.item.amount;
      result.items.push(checked.item);
    } else {
      result.errors.push({ row: line, values, issues });
    }
  }
  if (!columns) throw new AppError("validation_failed", "The file is empty.");
  if (result.rowCount === 0)
    throw new AppError("validation_failed", "The file has a header but no rows.");
  return result;
}
