import { PgTransaction } from "drizzle-orm/pg-core";
import type { DbOrTx, Tx } from "@/db/client";

/**
 * Runs `fn` in the caller's transaction when given one, else in a new one, so a posting
 * commits together with whatever the caller writes beside it (a payout row, its outbox
 * event) and is still atomic when called on its own.
 */
export function inTransaction<T>(db: DbOrTx, fn: (tx: Tx) => Promise<T>): Promise<T> {
  if (db instanceof PgTransaction) return fn(db as Tx);
  return db.transaction(fn);
}
