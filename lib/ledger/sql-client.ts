import { PgTransaction } from "drizzle-orm/pg-core";
import type postgres from "postgres";
import type { DbOrTx } from "@/db/client";

/**
 * The postgres.js client under a drizzle handle: the posting statement runs through it as
 * a named prepared statement (parsed and planned once per connection), which drizzle's
 * `execute()` never does. A transaction's client lives on its session.
 */
export function sqlClient(db: DbOrTx): postgres.Sql {
  const client =
    db instanceof PgTransaction
      ? (db as unknown as { session?: { client?: postgres.Sql } }).session?.client
      : (db as { $client?: postgres.Sql }).$client;
  if (typeof client?.unsafe !== "function") {
    throw new Error("The ledger needs a postgres.js drizzle handle (db/client.ts)");
  }
  return client;
}
