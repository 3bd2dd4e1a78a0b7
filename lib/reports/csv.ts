/**
 * CSV as RFC 4180 quotes it (comma, quotes doubled; LF line ends, as PostgreSQL's COPY writes them), one line at a time so a report
 * never holds its file. A text cell a spreadsheet would run as a formula (=, +, -, @, tab,
 * CR first) gets a leading apostrophe (OWASP's CSV-injection advice); numbers, including
 * negative ones, are written as they are.
 */

export type Cell = string | number | bigint | boolean | null | undefined;

const NEEDS_QUOTES = /[",\r\n]/;
const FORMULA = /^[=+\-@\t\r]/;
const NUMBER = /^-?\d+(\.\d+)?$/;
/** Either of the two, in one test: most cells have neither and are written as they are. */
const SPECIAL = /[",\r\n]|^[=+\-@\t\r]/;

export function csvCell(value: Cell): string {
  if (value === null || value === undefined) return "";
  if (typeof value !== "string") return String(value);
  if (!SPECIAL.test(value)) return value;
  const text = FORMULA.test(value) && !NUMBER.test(value) ? `'${value}` : value;
  return NEEDS_QUOTES.test(text) ? `"${text.replace(/"/g, '""')}"` : text;
}

export function csvLine(cells: readonly Cell[]): string {
  let line = csvCell(cells[0]);
  for (let i = 1; i < cells.length; i++) line += `,${csvCell(cells[i])}`;
  return `${line}\n`;
}

/** Where a scan of chunked CSV text stands between chunks. */
export type CsvScan = {
  inQuotes: boolean;
  /** Records ended so far (line ends outside quotes), the header included. */
  records: number;
  /** The start of a record's leading fields cut off by the chunk's end, or null. */
  partial: string | null;
  /** Whether the next record to start is the header. */
  header: boolean;
};

export const newCsvScan = (): CsvScan => ({
  inQuotes: false,
  records: 0,
  partial: null,
  header: true,
});

const QUOTE = 0x22;
const NEWLINE = 0x0a;
const COMMA = 0x2c;

/**
 * Scans CSV text arriving in chunks (PostgreSQL's COPY output) for its records: counts
 * them, and hands `onFields` the first `fields` values of each data record. Those leading
 * fields must never be quoted (ids, dates, codes, numbers), so they end at the
 * `fields`-th comma; everything after them may be quoted and hold commas and line ends.
 */
export function scanCsv(
  chunk: Buffer,
  scan: CsvScan,
  fields = 0,
  onFields: (values: string[]) => void = () => {},
): void {
  let at = 0;
  // The leading fields of a record starting at `from` (or continuing `scan.partial`):
  // returns where they end, or -1 when the chunk ends first (kept in `scan.partial`).
  const lead = (from: number, carried: string): number => {
    let end = from;
    let commas = (carried.match(/,/g) ?? []).length;
    while (commas < fields) {
      const comma = chunk.indexOf(COMMA, end);
      if (comma === -1) {
        scan.partial = carried + chunk.toString("latin1", from);
        return -1;
      }
      commas++;
      end = comma + 1;
    }
    scan.partial = null;
    const text = carried + chunk.toString("latin1", from, end - 1);
    if (scan.header) scan.header = false;
    else onFields(text.split(","));
    return end;
  };
  if (scan.partial !== null) {
    at = fields > 0 ? lead(0, scan.partial) : 0;
    if (at === -1) return;
  } else if (scan.header && scan.records === 0 && fields > 0) {
    at = lead(0, "");
    if (at === -1) return;
  }
  while (at < chunk.length) {
    if (scan.inQuotes) {
      const close = chunk.indexOf(QUOTE, at);
      if (close === -1) return;
      scan.inQuotes = false;
      at = close + 1;
      continue;
    }
    const quote = chunk.indexOf(QUOTE, at);
    const newline = chunk.indexOf(NEWLINE, at);
    if (newline !== -1 && (quote === -1 || newline < quote)) {
      scan.records++;
      at = newline + 1;
      if (fields === 0) continue;
      if (at === chunk.length) {
        scan.partial = "";
        return;
      }
      at = lead(at, "");
      if (at === -1) return;
    } else if (quote !== -1) {
      // An escaped quote ("") closes and reopens: the parity comes out right.
      scan.inQuotes = true;
      at = quote + 1;
    } else {
      return;
    }
  }
}
