import { PgTransaction } from "drizzle-orm/pg-core";
import type { DbOrTx, Tx } from "./client";

/**
 * Runs `fn` in the caller's transaction when given one, else in a new one, so a domain
 * function is atomic on its own and still composes into a larger transaction (a
 * payout's transition with its ledger posting and its outbox event).
 */
export function inTransaction<T>(db: DbOrTx, fn: (tx: Tx) => Promise<T>): Promise<T> {
  if (db instanceof PgTransaction) return fn(db as Tx);
  return db.transaction(fn);
}
