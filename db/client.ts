import { drizzle, type PostgresJsDatabase } from "drizzle-orm/postgres-js";
import postgres from "postgres";
import { config } from "@/lib/config";
import * as schema from "./schema";

export type Schema = typeof schema;
export type Db = PostgresJsDatabase<Schema>;
/** A transaction handle; every query function accepts `Db | Tx` so callers can compose them. */
export type Tx = Parameters<Parameters<Db["transaction"]>[0]>[0];
export type DbOrTx = Db | Tx;

export function createDb(url: string, options: postgres.Options<Record<string, never>> = {}) {
  const sql = postgres(url, { max: 10, onnotice: () => {}, ...options });
  return { sql, db: drizzle(sql, { schema, casing: "snake_case" }) };
}

let instance: ReturnType<typeof createDb> | undefined;

function connection() {
  if (!instance) {
    const url = config().DATABASE_URL;
    if (!url) throw new Error("DATABASE_URL is not set; start the app with `npm run dev`");
    instance = createDb(url);
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
