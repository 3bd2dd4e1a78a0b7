import type postgres from "postgres";
import { type Currency, currencyExponents } from "@/lib/money";
import { newCsvScan, scanCsv } from "./csv";
import type { FileSink } from "./storage";

/**
 * How generators read: one REPEATABLE READ, read-only transaction per report, so every
 * file and total of it describes the same moment. Values reach the SQL as transaction
 * settings (`set_config`, bound parameters), never spliced into its text, because COPY
 * takes no parameters; queries read them with `current_setting('report.…')`.
 */
export async function inSnapshot<T>(
  client: postgres.Sql,
  settings: Record<string, string>,
  body: (tx: postgres.TransactionSql) => Promise<T>,
): Promise<T> {
  return client.begin("isolation level repeatable read read only", async (tx) => {
    // Sent together: postgres.js pipelines them on the transaction's connection.
    await Promise.all(
      Object.entries(settings).map(([name, value]) => {
        if (!/^[a-z_]+$/.test(name)) throw new Error(`bad report setting name ${name}`);
        return tx`select set_config(${`report.${name}`}, ${value}, true)`;
      }),
    );
    return body(tx);
  }) as Promise<T>;
}

/**
 * A setting as a value of `type`, for the SQL text. It is a sub-select, so PostgreSQL
 * reads it once per query (an InitPlan) rather than once per row it filters: in a scan of
 * a million payouts, six `current_setting` calls a row were most of the time.
 */
export const setting = (name: string, type = "text") =>
  `(select current_setting('report.${name}')::${type})`;

/**
 * A comma-separated setting as an array of `type`, read once per query likewise (the
 * outer cast, a no-op, keeps `= any(…)` from reading the sub-select as a set).
 */
export const settingList = (name: string, type = "text") =>
  `(select string_to_array(current_setting('report.${name}'), ',')::${type}[])::${type}[]`;

/**
 * An amount in minor units as a decimal in major units, in SQL and exactly (numeric,
 * never float): 123450 USD → 1234.50, 500 JPY → 500.
 */
export function decimalSql(amount: string, currency: string): string {
  const byExponent = new Map<number, string[]>();
  for (const [code, exponent] of Object.entries(currencyExponents)) {
    byExponent.set(exponent, [...(byExponent.get(exponent) ?? []), code]);
  }
  const cases = [...byExponent]
    .filter(([exponent]) => exponent !== 2)
    .map(
      ([exponent, codes]) =>
        `when ${currency} in (${codes.map((c) => `'${c}'`).join(", ")}) then ${
          exponent === 0
            ? `${amount}::text`
            : `round(${amount}::numeric / ${10 ** exponent}, ${exponent})::text`
        }`,
    )
    .join(" ");
  return `(case ${cases} else round(${amount}::numeric / 100, 2)::text end)`;
}

/** The JavaScript twin of `decimalSql`, for rows formatted here. */
export function decimal(amount: bigint, currency: string): string {
  const exponent = currencyExponents[currency as Currency] ?? 2;
  if (exponent === 0) return amount.toString();
  const divisor = 10n ** BigInt(exponent);
  const sign = amount < 0n ? "-" : "";
  const abs = amount < 0n ? -amount : amount;
  return `${sign}${abs / divisor}.${(abs % divisor).toString().padStart(exponent, "0")}`;
}

/** A text column a spreadsheet must not run as a formula (see csv.ts), in SQL. */
export function safeTextSql(expr: string): string {
  return `(case when left(${expr}, 1) in ('=', '+', '-', '@', chr(9), chr(13)) then '''' || ${expr} else ${expr} end)`;
}

/**
 * Streams `select` as CSV with a header row, produced by PostgreSQL itself (COPY … TO
 * STDOUT), into `sink`; returns the number of data rows. `lead.onFields` sees the first
 * `lead.fields` values of each row (which must never need quoting), for totals and
 * progress; `lead.onChunk` runs after each chunk is written.
 */
export async function copyCsv(
  tx: postgres.TransactionSql,
  select: string,
  sink: FileSink,
  lead: {
    fields: number;
    onFields: (values: string[]) => void;
    onChunk?: () => Promise<void>;
  } = { fields: 0, onFields: () => {} },
): Promise<number> {
  const stream = await tx
    .unsafe(`copy (${select}) to stdout with (format csv, header true)`)
    .readable();
  const scan = newCsvScan();
  for await (const chunk of stream) {
    const buffer = chunk as Buffer;
    scanCsv(buffer, scan, lead.fields, lead.onFields);
    await sink.write(buffer);
    await lead.onChunk?.();
  }
  // postgres.js pauses its socket when the stream's buffer is full and resumes it only
  // when the stream is read again; if COPY's last data and its end arrive together while
  // paused, the connection stays paused and the next statement waits forever
  // (porsager/postgres#499, fix proposed in #1016). Reading once more resumes it.
  (stream as unknown as { _read(size: number): void })._read(0);
  return Math.max(0, scan.records - 1);
}

const TEXT_ESCAPES: Record<string, string> = {
  "\\": "\\",
  b: "\b",
  f: "\f",
  n: "\n",
  r: "\r",
  t: "\t",
  v: "\v",
};

/** A value of COPY's text format: `\N` is null; backslash sequences are unescaped. */
function textValue(raw: string): string | null {
  if (raw === "\\N") return null;
  if (!raw.includes("\\")) return raw;
  return raw.replace(/\\(.)/g, (_, c: string) => TEXT_ESCAPES[c] ?? c);
}

/**
 * Streams `select` out of PostgreSQL by COPY in its text format and hands its rows to
 * `onRows` a chunk at a time, each row an array of column values (null for NULL). Where a
 * cursor would forbid a parallel plan and build an object per row, COPY lets PostgreSQL
 * use its workers and sends plain text that splits on tabs and newlines.
 */
export async function copyRows(
  tx: postgres.TransactionSql,
  select: string,
  onRows: (rows: (string | null)[][]) => Promise<void>,
): Promise<void> {
  const stream = await tx.unsafe(`copy (${select}) to stdout`).readable();
  const decoder = new TextDecoder();
  let carry = "";
  for await (const chunk of stream) {
    const text = carry + decoder.decode(chunk as Buffer, { stream: true });
    const end = text.lastIndexOf("\n");
    if (end === -1) {
      carry = text;
      continue;
    }
    carry = text.slice(end + 1);
    const rows = text
      .slice(0, end)
      .split("\n")
      .map((line) => line.split("\t").map(textValue));
    await onRows(rows);
  }
  // As in copyCsv: the connection must not stay paused.
  (stream as unknown as { _read(size: number): void })._read(0);
  const rest = carry + decoder.decode();
  if (rest) await onRows([rest.split("\t").map(textValue)]);
}
