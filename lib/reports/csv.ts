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

export function csvCell(value: Cell): string {
  if (value === null || value === undefined) return "";
  let text = typeof value === "string" ? value : String(value);
  if (typeof value === "string" && FORMULA.test(text) && !NUMBER.test(text)) text = `'${text}`;
  return NEEDS_QUOTES.test(text) ? `"${text.replace(/"/g, '""')}"` : text;
}

export function csvLine(cells: readonly Cell[]): string {
  let line = "";
  for (let i = 0; i < cells.length; i++) line += (i === 0 ? "" : ",") + csvCell(cells[i]);
  return `${line}\n`;
}

/**
 * Counts the records in CSV text arriving in chunks (PostgreSQL's COPY output): line
 * ends outside quotes. `inQuotes` carries over from one chunk to the next.
 */
export function countCsvRecords(chunk: Buffer, state: { inQuotes: boolean }): number {
  let records = 0;
  let at = 0;
  const QUOTE = 0x22;
  const NEWLINE = 0x0a;
  while (at < chunk.length) {
    if (state.inQuotes) {
      const close = chunk.indexOf(QUOTE, at);
      if (close === -1) return records;
      state.inQuotes = false;
      at = close + 1;
      continue;
    }
    const quote = chunk.indexOf(QUOTE, at);
    const newline = chunk.indexOf(NEWLINE, at);
    if (newline !== -1 && (quote === -1 || newline < quote)) {
      records++;
      at = newline + 1;
    } else if (quote !== -1) {
      // An escaped quote ("") closes and reopens: the parity comes out right.
      state.inQuotes = true;
      at = quote + 1;
    } else {
      return records;
    }
  }
  return records;
}
