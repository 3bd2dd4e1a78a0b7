import { sql } from "drizzle-orm";
import { describe, expect, it } from "vitest";
import { db } from "@/db/client";
import { isAppError } from "@/lib/errors";
import { createLedgerScope } from "@/tests/fixtures/ledger";
import {
  createHold,
  createHolds,
  deposit,
  getAccountBalance,
  getBalances,
  getHold,
  payoutLedgerHistory,
  postHold,
  verifyLedger,
  voidHold,
} from "./index";

async function errorOf(promise: Promise<unknown>) {
  try {
    await promise;
  } catch (error) {
    return error;
  }
  throw new Error("expected the call to fail");
}

async function fundedScope(amount: bigint) {
  const scope = await createLedgerScope(db);
  await deposit(db, scope, { currency: "USD", amount, idempotencyKey: "fund" });
  return scope;
}

const reserveHold = (amount: bigint, payoutId?: string) => ({
  from: "available" as const,
  to: "reserved" as const,
  amount,
  currency: "USD",
  payoutId,
});

describe("holds", () => {
  it("takes a hold out of the spendable balance at once and credits nothing yet", async () => {
    const scope = await fundedScope(1_000n);
    const { hold, replayed } = await createHold(db, scope, {
      idempotencyKey: "h",
      ...reserveHold(300n, "po_1"),
    });
    expect(replayed).toBe(false);
    expect(hold).toMatchObject({
      from: "available",
      to: "reserved",
      amount: 300n,
      payoutId: "po_1",
    });
    expect(hold.id).toMatch(/^tr_/);
    expect((await getBalances(db, scope))[0]).toMatchObject({
      available: 700n,
      reserved: 0n,
      pending: 300n,
    });
    expect(await getAccountBalance(db, scope, { currency: "USD", kind: "reserved" })).toMatchObject(
      {
        posted: 0n,
        pendingCredits: 300n,
      },
    );
    expect(await getHold(db, scope, hold.id)).toMatchObject({
      status: "pending",
      postedAmount: 0n,
    });
    expect((await verifyLedger(db)).ok).toBe(true);
  });

  it("posts part of a hold and releases the rest", async () => {
    const scope = await fundedScope(1_000n);
    const { hold } = await createHold(db, scope, {
      idempotencyKey: "h",
      ...reserveHold(300n, "po_2"),
    });
    const posted = await postHold(db, scope, {
      holdId: hold.id,
      amount: 120n,
      idempotencyKey: "p",
    });
    expect(posted.transfers[0]).toMatchObject({
      phase: "post",
      amount: 120n,
      holdId: hold.id,
      payoutId: "po_2",
    });
    expect((await getBalances(db, scope))[0]).toMatchObject({
      available: 880n,
      reserved: 120n,
      pending: 0n,
    });
    expect(await getHold(db, scope, hold.id)).toMatchObject({
      status: "posted",
      postedAmount: 120n,
    });
    expect((await payoutLedgerHistory(db, scope, "po_2")).map((t) => t.phase)).toEqual([
      "pending",
      "post",
    ]);
    expect((await verifyLedger(db)).ok).toBe(true);
  });

  it("voids a hold back to its source", async () => {
    const scope = await fundedScope(1_000n);
    const { hold } = await createHold(db, scope, { idempotencyKey: "h", ...reserveHold(300n) });
    await voidHold(db, scope, { holdId: hold.id, idempotencyKey: "v" });
    expect((await getBalances(db, scope))[0]).toMatchObject({
      available: 1_000n,
      reserved: 0n,
      pending: 0n,
    });
    expect(await getHold(db, scope, hold.id)).toMatchObject({ status: "voided" });
  });

  it("resolves a hold at most once", async () => {
    const scope = await fundedScope(1_000n);
    const { hold } = await createHold(db, scope, { idempotencyKey: "h", ...reserveHold(300n) });
    await postHold(db, scope, { holdId: hold.id, idempotencyKey: "p1" });
    const again = await errorOf(postHold(db, scope, { holdId: hold.id, idempotencyKey: "p2" }));
    expect(isAppError(again, "invalid_state_transition")).toBe(true);
    const voided = await errorOf(voidHold(db, scope, { holdId: hold.id, idempotencyKey: "v" }));
    expect(isAppError(voided, "invalid_state_transition")).toBe(true);
    const replay = await postHold(db, scope, { holdId: hold.id, idempotencyKey: "p1" });
    expect(replay.replayed).toBe(true);
    expect((await getBalances(db, scope))[0]).toMatchObject({ available: 700n, reserved: 300n });
  });

  it("lets exactly one of many concurrent resolutions of a hold win", async () => {
    const scope = await fundedScope(1_000n);
    const { hold } = await createHold(db, scope, { idempotencyKey: "h", ...reserveHold(300n) });
    const outcomes = await Promise.allSettled(
      Array.from({ length: 6 }, (_, i) =>
        i % 2
          ? postHold(db, scope, { holdId: hold.id, idempotencyKey: `p${i}` })
          : voidHold(db, scope, { holdId: hold.id, idempotencyKey: `v${i}` }),
      ),
    );
    expect(outcomes.filter((o) => o.status === "fulfilled")).toHaveLength(1);
    for (const o of outcomes) {
      if (o.status === "rejected")
        expect(isAppError(o.reason, "invalid_state_transition")).toBe(true);
    }
    expect((await verifyLedger(db)).ok).toBe(true);
  });

  it("refuses a hold larger than the spendable balance, counting other holds", async () => {
    const scope = await fundedScope(1_000n);
    await createHold(db, scope, { idempotencyKey: "h1", ...reserveHold(800n) });
    const error = await errorOf(
      createHold(db, scope, { idempotencyKey: "h2", ...reserveHold(201n) }),
    );
    expect(isAppError(error, "insufficient_funds")).toBe(true);
    expect((error as { meta: Record<string, unknown> }).meta).toMatchObject({
      available: "200",
      required: "201",
    });
  });

  it("refuses bad resolutions with clear errors", async () => {
    const scope = await fundedScope(1_000n);
    const { hold } = await createHold(db, scope, { idempotencyKey: "h", ...reserveHold(300n) });
    const tooMuch = await errorOf(
      postHold(db, scope, { holdId: hold.id, amount: 301n, idempotencyKey: "p" }),
    );
    expect(isAppError(tooMuch, "validation_failed")).toBe(true);
    const zero = await errorOf(
      postHold(db, scope, { holdId: hold.id, amount: 0n, idempotencyKey: "p" }),
    );
    expect(isAppError(zero, "validation_failed")).toBe(true);
    const unknown = await errorOf(voidHold(db, scope, { holdId: "tr_nope", idempotencyKey: "v" }));
    expect(isAppError(unknown, "not_found")).toBe(true);
    const stranger = await createLedgerScope(db);
    const foreign = await errorOf(voidHold(db, stranger, { holdId: hold.id, idempotencyKey: "v" }));
    expect(isAppError(foreign, "not_found")).toBe(true);
    expect(await getHold(db, scope, hold.id)).toMatchObject({ status: "pending" });
  });

  it("opens 10,000 holds on one hot account in one short transaction", async () => {
    const scope = await fundedScope(10_000_000n);
    const holds = Array.from({ length: 10_000 }, (_, i) => reserveHold(1_000n, `po_${i}`));
    const result = await createHolds(db, scope, { idempotencyKey: "batch", holds });
    expect(result.holds).toHaveLength(10_000);
    const [entries] = await db.execute<{ n: string }>(
      sql`select count(*)::text as n from ledger_entries where transaction_id = ${result.transactionId}`,
    );
    expect(entries?.n).toBe("2");
    expect((await getBalances(db, scope))[0]).toMatchObject({
      available: 0n,
      pending: 10_000_000n,
    });
    const replay = await createHolds(db, scope, { idempotencyKey: "batch", holds });
    expect(replay.replayed).toBe(true);
    expect(replay.holds.map((h) => h.id)).toEqual(result.holds.map((h) => h.id));
    expect((await verifyLedger(db)).ok).toBe(true);
  });
});
