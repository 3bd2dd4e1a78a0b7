import { drizzle, type PostgresJsDatabase } from "drizzle-orm/postgres-js";
import type postgres from "postgres";
import { connectPostgres } from "@/db/connect";
import { databaseConfig } from "./config";
import * as schema from "./schema";

export type Schema = typeof schema;
export type Db = PostgresJsDatabase<Schema>;
/** A transaction handle; every query function accepts `Db | Tx` so callers can compose them. */
export type Tx = Parameters<Parameters<Db["transaction"]>[0]>[0];
export type DbOrTx = Db | Tx;

export function createDb(url: string, options: postgres.Options<Record<string, never>> = {}) {
  const sql = connectPostgres(url, { max: 10, ...options });
  return { sql, db: drizzle(preparing(sql), { schema, casing: "snake_case" }) };
}

/**
 * drizzle runs every query through `unsafe(…, { prepare: false })`, and postgres.js then
 * describes each statement with parameters before running it: two round trips per query,
 * every time. Asking for prepared statements makes it one round trip once a statement is
 * cached on its connection; the connection's own `prepare: false` (DATABASE_PREPARE=0,
 * for poolers that cannot keep them) still wins.
 */
function preparing(client: postgres.Sql): postgres.Sql {
  return new Proxy(client, {
    get(target, property, receiver) {
      const value = Reflect.get(target, property, receiver);
      if (property === "unsafe") {
        return (query: string, parameters?: never[], queryOptions?: { prepare?: boolean }) => {
          return target.unsafe(query, parameters, { ...queryOptions, prepare: true });
        };
      }
      if (property === "begin" || property === "savepoint") {
        return (...args: unknown[]) => {
          const body = args.pop() as (scope: postgres.Sql) => unknown;
          return (value as (...a: unknown[]) => unknown).call(
            target,
            ...args,
            (scope: postgres.Sql) => body(preparing(scope)),
          );
        };
      }
      return value;
    },
  });
}

let instance: ReturnType<typeof createDb> | undefined;

function connection() {
  if (!instance) {
    const { DATABASE_URL: url, DATABASE_PREPARE: prepare } = databaseConfig();
    if (!url) throw new Error("DATABASE_URL is not set; start the app with `npm run dev`");
    instance = createDb(url, { prepare });
  }
  return instance;
}

/**
 * The one database handle. Created on first use so that `next build` never
 * needs a database.
 */
export const db: Db = new Proxy({} as Db, {
  get: (_, prop) => Reflect.get(connection().db, prop),
});

export function sql() {
  return connection().sql;
}

export async function closeDb() {
  await instance?.sql.end({ timeout: 5 });
  instance = undefined;
}
