import type { DbOrTx } from "@/db/client";
import type { Scope } from "@/db/scope";
import { inTransaction } from "@/db/transaction";
import { AppError } from "@/lib/errors";
import { recordEvent } from "@/lib/events/outbox";
import { deposit, getBalances } from "@/lib/ledger";
import { serializeBalance } from "@/lib/ledger/serialize";
import type { Currency } from "@/lib/money";

/**
 * Pretend money for test mode. Live balances only grow from real bank transfers
 * reconciled against the organisation's funding account, never from an API call.
 */
export async function createTestDeposit(
  db: DbOrTx,
  scope: Scope,
  body: { amount: bigint; currency: Currency },
  requestKey: string,
) {
  if (scope.mode === "live") {
    throw new AppError(
      "live_mode_unavailable",
      "Test deposits exist only in test mode. Live balances are funded by a bank transfer to your organisation's funding account (Dashboard → Funding shows the details); the balance grows once the transfer arrives.",
    );
  }
  return inTransaction(db, async (tx) => {
    const posted = await deposit(tx, scope, {
      currency: body.currency,
      amount: body.amount,
      idempotencyKey: `test_deposit:${requestKey}`,
      description: "test deposit",
    });
    const balance = (await getBalances(tx, scope)).find((b) => b.currency === body.currency);
    if (!balance) throw new Error(`No ${body.currency} balance after a deposit`);
    await recordEvent(tx, scope, "balance.funded", {
      currency: body.currency,
      amount: body.amount,
      available: balance.available,
      transaction_id: posted.transactionId,
    });
    return {
      id: posted.transactionId,
      object: "test_deposit" as const,
      livemode: false as const,
      amount: Number(body.amount),
      currency: body.currency,
      balance: serializeBalance(balance, false),
    };
  });
}
