import { sql } from "drizzle-orm";
import { describe, expect, it } from "vitest";
import { db } from "@/db/client";
import { isAppError } from "@/lib/errors";
import { createLedgerScope } from "@/tests/fixtures/ledger";
import { deposit, getAccountBalance, getBalances, postTransaction, verifyLedger } from "./index";

async function errorOf(promise: Promise<unknown>) {
  try {
    await promise;
  } catch (error) {
    return error;
  }
  throw new Error("expected the call to fail");
}

describe("postTransaction", () => {
  it("moves money between accounts and keeps every currency summing to zero", async () => {
    const scope = await createLedgerScope(db);
    await deposit(db, scope, { currency: "USD", amount: 10_000n, idempotencyKey: "dep-1" });
    const result = await postTransaction(db, scope, {
      idempotencyKey: "reserve-1",
      transfers: [
        { from: "available", to: "reserved", amount: 2_500n, currency: "USD", payoutId: "po_1" },
      ],
    });
    expect(result.replayed).toBe(false);
    expect(result.transfers).toHaveLength(1);
    expect(result.transfers[0]).toMatchObject({
      from: "available",
      to: "reserved",
      amount: 2_500n,
      phase: "single",
    });
    expect(result.transfers[0]?.id).toMatch(/^tr_/);
    expect(await getBalances(db, scope)).toEqual([
      {
        currency: "USD",
        available: 7_500n,
        reserved: 2_500n,
        inTransit: 0n,
        paidOut: 0n,
        fees: 0n,
        pending: 0n,
      },
    ]);
    expect(await getAccountBalance(db, scope, { currency: "USD", kind: "external" })).toMatchObject(
      {
        posted: -10_000n,
      },
    );
    expect(await verifyLedger(db)).toEqual({ ok: true, problems: [] });
  });

  it("refuses a posting that would overdraw an account and changes nothing", async () => {
    const scope = await createLedgerScope(db);
    await deposit(db, scope, { currency: "EUR", amount: 1_000n, idempotencyKey: "dep" });
    const error = await errorOf(
      postTransaction(db, scope, {
        idempotencyKey: "too-much",
        transfers: [
          { from: "available", to: "reserved", amount: 600n, currency: "EUR" },
          { from: "available", to: "fees", amount: 600n, currency: "EUR" },
        ],
      }),
    );
    expect(isAppError(error, "insufficient_funds")).toBe(true);
    expect((error as { meta: unknown }).meta).toEqual({
      currency: "EUR",
      account: "available",
      available: "1000",
      required: "1200",
    });
    const [balance] = await getBalances(db, scope);
    expect(balance).toMatchObject({ available: 1_000n, reserved: 0n, fees: 0n });
    const [count] = await db.execute<{ n: string }>(
      sql`select count(*)::text as n from ledger_transactions where organisation_id = ${scope.organisationId}`,
    );
    expect(count?.n).toBe("1");
  });

  it("refuses a deposit that would take an account past 2^53 - 1 and changes nothing", async () => {
    const scope = await createLedgerScope(db);
    const max = 10n ** 15n;
    await Promise.all(
      Array.from({ length: 9 }, (_, i) =>
        deposit(db, scope, { currency: "JPY", amount: max, idempotencyKey: `dep-${i}` }),
      ),
    );
    const error = await errorOf(
      deposit(db, scope, { currency: "JPY", amount: max, idempotencyKey: "one-too-many" }),
    );
    expect(isAppError(error, "validation_failed")).toBe(true);
    expect((error as Error).message).toContain("JPY");
    expect((error as Error).message).toContain("9,007,199,254,740,991");
    const [balance] = await getBalances(db, scope);
    expect(balance?.available).toBe(9n * max);
    expect(await verifyLedger(db)).toMatchObject({ ok: true });
  });

  it("nets many transfers so money deposited in the same posting can be spent", async () => {
    const scope = await createLedgerScope(db);
    const result = await postTransaction(db, scope, {
      idempotencyKey: "fund-and-reserve",
      transfers: [
        { from: "available", to: "reserved", amount: 300n, currency: "GBP" },
        { from: "external", to: "available", amount: 500n, currency: "GBP" },
      ],
    });
    expect(result.transfers).toHaveLength(2);
    expect((await getBalances(db, scope))[0]).toMatchObject({ available: 200n, reserved: 300n });
  });

  it("writes 10,000 transfers out of one account as one entry per account", async () => {
    const scope = await createLedgerScope(db);
    await deposit(db, scope, { currency: "USD", amount: 1_000_000n, idempotencyKey: "dep" });
    const transfers = Array.from({ length: 10_000 }, (_, i) => ({
      from: "available" as const,
      to: "reserved" as const,
      amount: 100n,
      currency: "USD",
      payoutId: `po_${i}`,
    }));
    const result = await postTransaction(db, scope, { idempotencyKey: "big", transfers });
    expect(result.transfers).toHaveLength(10_000);
    const entries = await db.execute<{ n: string }>(
      sql`select count(*)::text as n from ledger_entries where transaction_id = ${result.transactionId}`,
    );
    expect(entries[0]?.n).toBe("2");
    expect((await getBalances(db, scope))[0]).toMatchObject({
      available: 0n,
      reserved: 1_000_000n,
    });
    expect((await verifyLedger(db)).ok).toBe(true);
  });

  it("replays the first result for a repeated idempotency key", async () => {
    const scope = await createLedgerScope(db);
    const first = await deposit(db, scope, {
      currency: "USD",
      amount: 700n,
      idempotencyKey: "same",
    });
    const again = await deposit(db, scope, {
      currency: "USD",
      amount: 700n,
      idempotencyKey: "same",
    });
    expect(again.replayed).toBe(true);
    expect(again.transactionId).toBe(first.transactionId);
    expect(again.transfers).toEqual(first.transfers);
    expect((await getBalances(db, scope))[0]?.available).toBe(700n);
  });

  it("refuses an idempotency key reused for different content", async () => {
    const scope = await createLedgerScope(db);
    await deposit(db, scope, { currency: "USD", amount: 700n, idempotencyKey: "k" });
    const error = await errorOf(
      deposit(db, scope, { currency: "USD", amount: 701n, idempotencyKey: "k" }),
    );
    expect(isAppError(error, "idempotency_key_reused")).toBe(true);
    expect((await getBalances(db, scope))[0]?.available).toBe(700n);
  });

  it("scopes idempotency keys and balances by organisation and mode", async () => {
    const scope = await createLedgerScope(db);
    await deposit(db, scope, { currency: "USD", amount: 100n, idempotencyKey: "k" });
    const live = { ...scope, mode: "live" as const };
    const result = await deposit(db, live, { currency: "USD", amount: 100n, idempotencyKey: "k" });
    expect(result.replayed).toBe(false);
    const other = await createLedgerScope(db);
    expect(await getBalances(db, other)).toEqual([]);
  });

  it("commits or rolls back together with the caller's transaction", async () => {
    const scope = await createLedgerScope(db);
    await deposit(db, scope, { currency: "USD", amount: 1_000n, idempotencyKey: "dep" });
    await expect(
      db.transaction(async (tx) => {
        await postTransaction(tx, scope, {
          idempotencyKey: "inside",
          transfers: [{ from: "available", to: "reserved", amount: 400n, currency: "USD" }],
        });
        throw new Error("the caller changed its mind");
      }),
    ).rejects.toThrow("changed its mind");
    expect((await getBalances(db, scope))[0]).toMatchObject({ available: 1_000n, reserved: 0n });

    await db.transaction(async (tx) => {
      await postTransaction(tx, scope, {
        idempotencyKey: "inside",
        transfers: [{ from: "available", to: "reserved", amount: 400n, currency: "USD" }],
      });
      const replay = await postTransaction(tx, scope, {
        idempotencyKey: "inside",
        transfers: [{ from: "available", to: "reserved", amount: 400n, currency: "USD" }],
      });
      expect(replay.replayed).toBe(true);
    });
    expect((await getBalances(db, scope))[0]).toMatchObject({ available: 600n, reserved: 400n });
  });

  it("refuses malformed input before touching the database", async () => {
    const scope = await createLedgerScope(db);
    const cases = [
      { from: "available", to: "available", amount: 1n, currency: "USD" },
      { from: "available", to: "reserved", amount: 0n, currency: "USD" },
      { from: "available", to: "reserved", amount: 10, currency: "USD" },
      { from: "available", to: "reserved", amount: 1n, currency: "XXX" },
      { from: "vault", to: "reserved", amount: 1n, currency: "USD" },
    ];
    for (const transfer of cases) {
      const error = await errorOf(
        postTransaction(db, scope, { idempotencyKey: "bad", transfers: [transfer as never] }),
      );
      expect(isAppError(error, "validation_failed")).toBe(true);
    }
    const empty = await errorOf(
      postTransaction(db, scope, { idempotencyKey: "bad", transfers: [] }),
    );
    expect(isAppError(empty, "validation_failed")).toBe(true);
    const noKey = await errorOf(
      deposit(db, scope, { currency: "USD", amount: 1n, idempotencyKey: "" }),
    );
    expect(isAppError(noKey, "idempotency_key_required")).toBe(true);
    expect(await getBalances(db, scope)).toEqual([]);
  });

  it("keeps currencies apart", async () => {
    const scope = await createLedgerScope(db);
    await postTransaction(db, scope, {
      idempotencyKey: "two-currencies",
      transfers: [
        { from: "external", to: "available", amount: 100n, currency: "USD" },
        { from: "external", to: "available", amount: 5n, currency: "JPY" },
      ],
    });
    const balances = await getBalances(db, scope);
    expect(balances.map((b) => [b.currency, b.available])).toEqual([
      ["JPY", 5n],
      ["USD", 100n],
    ]);
    expect((await verifyLedger(db)).ok).toBe(true);
  });
});
