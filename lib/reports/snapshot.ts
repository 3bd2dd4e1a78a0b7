import type postgres from "postgres";
import { type Currency, currencyExponents } from "@/lib/money";
import { countCsvRecords } from "./csv";
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
    for (const [name, value] of Object.entries(settings)) {
      if (!/^[a-z_]+$/.test(name)) throw new Error(`bad report setting name ${name}`);
      await tx`select set_config(${`report.${name}`}, ${value}, true)`;
    }
    return body(tx);
  }) as Promise<T>;
}

/** `current_setting('report.<name>')`, for the SQL text. */
export const setting = (name: string) => `current_setting('report.${name}')`;

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
 * STDOUT), into `sink`; returns the number of data rows. `onRows` sees the running count.
 */
export async function copyCsv(
  tx: postgres.TransactionSql,
  select: string,
  sink: FileSink,
  onRows?: (rows: number) => Promise<void>,
): Promise<number> {
  const stream = await tx
    .unsafe(`copy (${select}) to stdout with (format csv, header true)`)
    .readable();
  const state = { inQuotes: false };
  let records = 0;
  for await (const chunk of stream) {
    const buffer = chunk as Buffer;
    records += countCsvRecords(buffer, state);
    await sink.write(buffer);
    if (onRows) await onRows(Math.max(0, records - 1));
  }
  // postgres.js pauses its socket when the stream's buffer is full and resumes it only
  // when the stream is read again; if COPY's last data and its end arrive together while
  // paused, the connection stays paused and the next statement waits forever
  // (porsager/postgres#499, fix proposed in #1016). Reading once more resumes it.
  (stream as unknown as { _read(size: number): void })._read(0);
  return Math.max(0, records - 1);
}
