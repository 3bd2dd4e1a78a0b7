import { and, asc, desc, eq, gte, lt, lte, sql } from "drizzle-orm";
import { alias } from "drizzle-orm/pg-core";
import type { DbOrTx } from "@/db/client";
import { splitPage } from "@/db/paging";
import { ledgerAccounts, ledgerTransfers } from "@/db/schema";
import { type Scope, tenantWhere } from "@/db/scope";
import { AppError } from "@/lib/errors";
import { transferIdRange } from "./transfer-ids";
import type { Transfer } from "./types";

const debit = alias(ledgerAccounts, "debit");
const credit = alias(ledgerAccounts, "credit");

function selectTransfers(db: DbOrTx) {
  return db
    .select({
      id: ledgerTransfers.id,
      transactionId: ledgerTransfers.transactionId,
      currency: ledgerTransfers.currency,
      from: debit.kind,
      to: credit.kind,
      amount: ledgerTransfers.amount,
      phase: ledgerTransfers.phase,
      holdId: sql<
        string | null
      >`coalesce(${ledgerTransfers.pendingId}, case when ${ledgerTransfers.phase} = 'pending' then ${ledgerTransfers.id} end)`,
      payoutId: ledgerTransfers.payoutId,
      description: ledgerTransfers.description,
      createdAt: ledgerTransfers.createdAt,
    })
    .from(ledgerTransfers)
    .innerJoin(debit, eq(debit.id, ledgerTransfers.debitAccountId))
    .innerJoin(credit, eq(credit.id, ledgerTransfers.creditAccountId));
}

export async function transfersOfTransaction(
  db: DbOrTx,
  scope: Scope,
  transactionId: string,
): Promise<Transfer[]> {
  const range = transferIdRange(transactionId);
  return selectTransfers(db)
    .where(
      and(
        tenantWhere(ledgerTransfers, scope),
        gte(ledgerTransfers.id, range.first),
        lte(ledgerTransfers.id, range.last),
        eq(ledgerTransfers.transactionId, transactionId),
      ),
    )
    .orderBy(asc(ledgerTransfers.id));
}

/** Every transfer that carried this payout's id, oldest first. */
export async function payoutLedgerHistory(
  db: DbOrTx,
  scope: Scope,
  payoutId: string,
): Promise<Transfer[]> {
  return selectTransfers(db)
    .where(and(tenantWhere(ledgerTransfers, scope), eq(ledgerTransfers.payoutId, payoutId)))
    .orderBy(asc(ledgerTransfers.seq));
}

export type ListTransfersParams = {
  limit: number;
  /** A transfer id from the previous page; the page continues with older transfers. */
  startingAfter?: string;
  payoutId?: string;
};

/** Newest first, paged by a transfer id cursor. */
export async function listTransfers(
  db: DbOrTx,
  scope: Scope,
  params: ListTransfersParams,
): Promise<{ data: Transfer[]; hasMore: boolean }> {
  if (!Number.isInteger(params.limit) || params.limit < 1 || params.limit > 100) {
    throw new AppError("validation_failed", "The list request is invalid", {
      fieldErrors: [{ path: "limit", message: "an integer from 1 to 100" }],
    });
  }
  const conditions = [tenantWhere(ledgerTransfers, scope)];
  if (params.payoutId) conditions.push(eq(ledgerTransfers.payoutId, params.payoutId));
  if (params.startingAfter) {
    const [cursor] = await db
      .select({ seq: ledgerTransfers.seq })
      .from(ledgerTransfers)
      .where(
        and(tenantWhere(ledgerTransfers, scope), eq(ledgerTransfers.id, params.startingAfter)),
      );
    if (!cursor) {
      throw new AppError("validation_failed", "The list request is invalid", {
        fieldErrors: [{ path: "starting_after", message: "names no transfer of this account" }],
      });
    }
    conditions.push(lt(ledgerTransfers.seq, cursor.seq));
  }
  const rows = await selectTransfers(db)
    .where(and(...conditions))
    .orderBy(desc(ledgerTransfers.seq))
    .limit(params.limit + 1);
  return splitPage(rows, params.limit);
}
