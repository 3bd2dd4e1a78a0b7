import { type AnyColumn, type SQL, sql } from "drizzle-orm";
import type { DbOrTx } from "@/db/client";

/** A column as SQL sees it: its name and its type. */
export type BulkColumn = { name: string; type: string };

function jsonValue(_key: string, value: unknown): unknown {
  return typeof value === "bigint" ? value.toString() : value;
}

/**
 * Inserts many rows with one statement and one parameter: the rows as a JSON array,
 * expanded by `jsonb_to_recordset` into typed columns. A multi-row VALUES list of 10,000
 * payouts is 200,000 bind parameters that both the query builder and PostgreSQL handle
 * slowly; one JSON document is one stringify, one parse and one round trip. Bigints
 * travel as strings, so no amount passes through a float.
 */
export async function bulkInsert(
  db: DbOrTx,
  table: string,
  columns: BulkColumn[],
  rows: Record<string, unknown>[],
  options: { onConflict?: SQL; returning?: SQL } = {},
): Promise<Record<string, unknown>[]> {
  if (rows.length === 0) return [];
  const names = sql.join(
    columns.map((c) => sql.identifier(c.name)),
    sql`, `,
  );
  const types = sql.join(
    columns.map((c) => sql`${sql.identifier(c.name)} ${sql.raw(c.type)}`),
    sql`, `,
  );
  const json = JSON.stringify(
    rows.map((r) => Object.fromEntries(columns.map((c) => [c.name, r[c.name] ?? null]))),
    jsonValue,
  );
  const query = sql`insert into ${sql.identifier(table)} (${names})
    select ${names} from jsonb_to_recordset(${json}::jsonb) as input(${types})
    ${options.onConflict ?? sql``} ${options.returning ? sql`returning ${options.returning}` : sql``}`;
  return db.execute<Record<string, unknown>>(query);
}

/**
 * `column = any($1::text[])`: one array parameter however many ids, where `IN (…)` binds
 * one parameter each and stops at PostgreSQL's 65,535 (a 100,000-row campaign).
 */
export function matchesAny(column: AnyColumn, values: string[]): SQL {
  return sql`${column} = any(${sql.param(values)}::text[])`;
}
