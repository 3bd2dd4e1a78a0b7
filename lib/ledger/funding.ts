import { and, eq } from "drizzle-orm";
import { z } from "zod";
import type { DbOrTx } from "@/db/client";
import { balanceThresholds } from "@/db/schema";
import { tenantWhere } from "@/db/scope";
import { inTransaction } from "@/db/transaction";
import { type ActingMember, recordMemberAudit } from "@/lib/audit/record";
import { parseMajorAmount } from "@/lib/decimal-amount";
import { AppError } from "@/lib/errors";
import { recordEvent } from "@/lib/events/outbox";
import { deposit, getAccountBalance } from "@/lib/ledger";
import { type Currency, currencySchema } from "@/lib/money";

function parseCurrency(raw: unknown): Currency {
  const parsed = currencySchema.safeParse(raw);
  if (!parsed.success) {
    throw new AppError("validation_failed", "Choose a currency.", {
      fieldErrors: [{ path: "currency", message: parsed.error.issues[0]?.message ?? "invalid" }],
    });
  }
  return parsed.data;
}

function parseAmount(raw: unknown, currency: Currency, field = "amount"): bigint {
  const amount = parseMajorAmount(String(raw ?? ""), currency);
  if (!amount.ok) {
    throw new AppError("validation_failed", "The amount is not valid.", {
      fieldErrors: [{ path: field, message: amount.message }],
    });
  }
  return amount.amount;
}

const requestIdSchema = z.string().regex(/^[A-Za-z0-9_-]{16,64}$/);

/**
 * Adds test money (external → available) and announces it with `balance.funded`. Live
 * balances are funded by a real transfer, never from a form. The form's request id keys
 * the deposit, so a double-submitted form deposits once.
 */
export async function addTestFunds(
  db: DbOrTx,
  member: ActingMember,
  input: { currency: unknown; amount: unknown; requestId: unknown },
) {
  if (member.scope.mode !== "test") {
    throw new AppError("forbidden", "Test deposits exist only in test mode.");
  }
  const currency = parseCurrency(input.currency);
  const amount = parseAmount(input.amount, currency);
  const requestId = requestIdSchema.safeParse(input.requestId);
  if (!requestId.success) throw new AppError("invalid_request", "Reload the page and try again.");
  return inTransaction(db, async (tx) => {
    const posted = await deposit(tx, member.scope, {
      currency,
      amount,
      idempotencyKey: `dashboard-deposit:${requestId.data}`,
      description: "test deposit from the dashboard",
    });
    if (posted.replayed) return { amount, currency, replayed: true };
    const available = await getAccountBalance(tx, member.scope, { currency, kind: "available" });
    await recordEvent(tx, member.scope, "balance.funded", {
      currency,
      amount,
      available: available.spendable,
      transaction_id: posted.transactionId,
    });
    await recordMemberAudit(tx, member, {
      action: "funding.test_deposit",
      target: { type: "ledger_transaction", id: posted.transactionId },
      after: { currency, amount },
    });
    return { amount, currency, replayed: false };
  });
}

/** Sets (or, with an empty amount, removes) the low-balance alert level for a currency. */
export async function setLowBalanceThreshold(
  db: DbOrTx,
  member: ActingMember,
  input: { currency: unknown; amount: unknown },
) {
  const currency = parseCurrency(input.currency);
  const raw = String(input.amount ?? "").trim();
  const amount = raw === "" ? null : raw === "0" ? 0n : parseAmount(raw, currency);
  return inTransaction(db, async (tx) => {
    const where = and(
      tenantWhere(balanceThresholds, member.scope),
      eq(balanceThresholds.currency, currency),
    );
    const [before] = await tx.select().from(balanceThresholds).where(where).for("update");
    if (amount === null) {
      await tx.delete(balanceThresholds).where(where);
    } else {
      await tx
        .insert(balanceThresholds)
        .values({ ...member.scope, currency, amount })
        .onConflictDoUpdate({
          target: [
            balanceThresholds.organisationId,
            balanceThresholds.mode,
            balanceThresholds.currency,
          ],
          set: { amount },
        });
    }
    await recordMemberAudit(tx, member, {
      action: "funding.low_balance_threshold",
      target: { type: "balance_threshold", id: currency },
      before: { currency, amount: before?.amount ?? null },
      after: { currency, amount },
    });
    return { currency, amount };
  });
}
