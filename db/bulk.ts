import { type AnyColumn, getTableColumns, getTableName, type SQL, sql } from "drizzle-orm";
import { toSnakeCase } from "drizzle-orm/casing";
import type { PgTable } from "drizzle-orm/pg-core";
import type { DbOrTx } from "./client";

function jsonValue(_key: string, value: unknown): unknown {
  return typeof value === "bigint" ? value.toString() : value;
}

/** A table's column for a property name, as SQL sees it: its name and its type. */
function sqlColumn(table: PgTable, key: string): { name: string; type: string } {
  const column = getTableColumns(table)[key];
  if (!column) throw new Error(`${getTableName(table)} has no column ${key}`);
  // The schema leaves names to the client's snake_case casing.
  return {
    name: column.keyAsName ? toSnakeCase(column.name) : column.name,
    type: column.getSQLType(),
  };
}

/**
 * Inserts many rows with one statement and one parameter: the rows as a JSON array,
 * expanded by `jsonb_to_recordset` into typed columns. A multi-row VALUES list of 10,000
 * payouts is 200,000 bind parameters that both the query builder and PostgreSQL handle
 * slowly; one JSON document is one stringify, one parse and one round trip. Bigints
 * travel as strings, so no amount passes through a float. The columns written are the
 * first row's properties; names and types come from the drizzle table.
 */
export async function bulkInsert<T extends PgTable>(
  db: DbOrTx,
  table: T,
  rows: T["$inferInsert"][],
  options: { onConflict?: SQL; returning?: SQL } = {},
): Promise<Record<string, unknown>[]> {
  const [first] = rows;
  if (!first) return [];
  const keys = Object.keys(first);
  const columns = keys.map((key) => sqlColumn(table, key));
  const names = sql.join(
    columns.map((c) => sql.identifier(c.name)),
    sql`, `,
  );
  const types = sql.join(
    columns.map((c) => sql`${sql.identifier(c.name)} ${sql.raw(c.type)}`),
    sql`, `,
  );
  const json = JSON.stringify(
    rows.map((r: Record<string, unknown>) =>
      Object.fromEntries(keys.map((key, i) => [columns[i]?.name, r[key] ?? null])),
    ),
    jsonValue,
  );
  const query = sql`insert into ${table} (${names})
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
