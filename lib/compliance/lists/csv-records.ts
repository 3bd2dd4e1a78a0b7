import Papa from "papaparse";
import { AppError } from "@/lib/errors";

/** Ctrl-Z, the DOS end-of-file mark OFAC's files still end with. */
const END_OF_FILE = String.fromCharCode(0x1a);

/** One CSV record and the line of the file it starts on (1-based), for error messages. */
export type CsvRecord = { line: number; fields: string[] };

/** A file refused: which file, which line, and why. Nothing was loaded. */
export function malformed(file: string, line: number, problem: string): AppError {
  return new AppError(
    "validation_failed",
    `${file}, line ${line}: ${problem}. Nothing was loaded.`,
    {
      meta: { file, line },
      fieldErrors: [{ path: "file", message: `${file}, line ${line}: ${problem}` }],
    },
  );
}

/**
 * The text of a list file. UTF-8 (with or without a byte-order mark) and UTF-16 with a
 * byte-order mark are read; anything else is refused at the first line that is not
 * valid UTF-8, rather than loading names with their accents garbled.
 */
export function decodeListFile(file: string, bytes: Uint8Array): string {
  if (bytes[0] === 0xff && bytes[1] === 0xfe) return new TextDecoder("utf-16le").decode(bytes);
  if (bytes[0] === 0xfe && bytes[1] === 0xff) return new TextDecoder("utf-16be").decode(bytes);
  try {
    return new TextDecoder("utf-8", { fatal: true, ignoreBOM: false }).decode(bytes);
  } catch {
    let line = 1;
    let start = 0;
    for (let i = 0; i <= bytes.length; i++) {
      if (i === bytes.length || bytes[i] === 0x0a) {
        try {
          new TextDecoder("utf-8", { fatal: true }).decode(bytes.subarray(start, i));
        } catch {
          throw malformed(
            file,
            line,
            "the text is not UTF-8; save the file as UTF-8 and load it again",
          );
        }
        line++;
        start = i + 1;
      }
    }
    throw malformed(file, line, "the text is not UTF-8");
  }
}

/**
 * Every record of a CSV text with the line it starts on. Blank lines are skipped, and so
 * is the end-of-file mark (Ctrl-Z) OFAC's files end with. A record papaparse cannot
 * read (an unclosed quote) refuses the whole file at its line.
 */
export function csvRecords(file: string, text: string): CsvRecord[] {
  const normalised = text.replace(/\r\n?/g, "\n");
  const lineStarts: number[] = [0];
  for (let i = 0; i < normalised.length; i++) if (normalised[i] === "\n") lineStarts.push(i + 1);
  const lineAt = (offset: number) => {
    let lo = 0;
    let hi = lineStarts.length - 1;
    while (lo < hi) {
      const mid = (lo + hi + 1) >> 1;
      if ((lineStarts[mid] as number) <= offset) lo = mid;
      else hi = mid - 1;
    }
    return lo + 1;
  };

  const records: CsvRecord[] = [];
  let start = 0;
  let failure: AppError | null = null;
  Papa.parse<string[]>(normalised, {
    delimiter: ",",
    newline: "\n",
    step: (result, parser) => {
      const line = lineAt(start);
      start = result.meta.cursor;
      const quoteError = result.errors.find((e) => e.type === "Quotes");
      if (quoteError) {
        failure = malformed(file, line, "a quoted field is not closed");
        parser.abort();
        return;
      }
      const fields = result.data;
      if (fields.length === 1 && (fields[0] ?? "").replaceAll(END_OF_FILE, "").trim() === "")
        return;
      records.push({ line, fields });
    },
  });
  if (failure) throw failure;
  return records;
}
