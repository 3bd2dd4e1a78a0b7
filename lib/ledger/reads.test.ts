import { describe, expect, it } from "vitest";
import { db } from "@/db/client";
import { isAppError } from "@/lib/errors";
import { createLedgerScope } from "@/tests/fixtures/ledger";
import {
  deposit,
  getAccountBalance,
  getBalances,
  listTransfers,
  payoutLedgerHistory,
  postTransaction,
} from "./index";

const move = (
  from: "available" | "reserved" | "in_transit",
  to: "available" | "reserved" | "in_transit",
  payoutId: string,
) => ({
  from,
  to,
  amount: 100n,
  currency: "USD",
  payoutId,
});

describe("ledger reads", () => {
  it("shows a payout's history in order", async () => {
    const scope = await createLedgerScope(db);
    await deposit(db, scope, { currency: "USD", amount: 1_000n, idempotencyKey: "fund" });
    await postTransaction(db, scope, {
      idempotencyKey: "r",
      transfers: [move("available", "reserved", "po_a")],
    });
    await postTransaction(db, scope, {
      idempotencyKey: "other",
      transfers: [move("available", "reserved", "po_b")],
    });
    await postTransaction(db, scope, {
      idempotencyKey: "s",
      transfers: [move("reserved", "in_transit", "po_a")],
    });
    await postTransaction(db, scope, {
      idempotencyKey: "f",
      transfers: [move("in_transit", "reserved", "po_a")],
    });
    const history = await payoutLedgerHistory(db, scope, "po_a");
    expect(history.map((t) => `${t.from}->${t.to}`)).toEqual([
      "available->reserved",
      "reserved->in_transit",
      "in_transit->reserved",
    ]);
    const stranger = await createLedgerScope(db);
    expect(await payoutLedgerHistory(db, stranger, "po_a")).toEqual([]);
  });

  it("pages through transfers newest first with a cursor", async () => {
    const scope = await createLedgerScope(db);
    await deposit(db, scope, { currency: "USD", amount: 10_000n, idempotencyKey: "fund" });
    await postTransaction(db, scope, {
      idempotencyKey: "many",
      transfers: Array.from({ length: 24 }, (_, i) => move("available", "reserved", `po_${i % 2}`)),
    });
    const seen: string[] = [];
    let startingAfter: string | undefined;
    let pages = 0;
    for (;;) {
      const page = await listTransfers(db, scope, { limit: 10, startingAfter });
      seen.push(...page.data.map((t) => t.id));
      pages++;
      if (!page.hasMore) break;
      startingAfter = page.data.at(-1)?.id;
    }
    expect(pages).toBe(3);
    expect(seen).toHaveLength(25);
    expect(new Set(seen).size).toBe(25);
    expect(seen.every((id) => id.startsWith("tr_"))).toBe(true);
    const newest = await listTransfers(db, scope, { limit: 1 });
    expect(newest.data[0]?.payoutId).toBe("po_1");
    const filtered = await listTransfers(db, scope, { limit: 100, payoutId: "po_0" });
    expect(filtered).toMatchObject({ hasMore: false });
    expect(filtered.data).toHaveLength(12);

    const badCursor = await listTransfers(db, scope, { limit: 10, startingAfter: "tr_nope" }).catch(
      (e) => e,
    );
    expect(isAppError(badCursor, "validation_failed")).toBe(true);
    const badLimit = await listTransfers(db, scope, { limit: 0 }).catch((e) => e);
    expect(isAppError(badLimit, "validation_failed")).toBe(true);
  });

  it("reads balances as of a past moment from history", async () => {
    const scope = await createLedgerScope(db);
    const before = new Date();
    await new Promise((r) => setTimeout(r, 20));
    await deposit(db, scope, { currency: "USD", amount: 1_000n, idempotencyKey: "fund" });
    await postTransaction(db, scope, {
      idempotencyKey: "r",
      transfers: [move("available", "reserved", "po_a")],
    });
    await new Promise((r) => setTimeout(r, 20));
    const middle = new Date();
    await new Promise((r) => setTimeout(r, 20));
    await postTransaction(db, scope, {
      idempotencyKey: "s",
      transfers: [move("reserved", "in_transit", "po_a")],
    });

    expect(await getBalances(db, scope, { asOf: before })).toEqual([]);
    expect((await getBalances(db, scope, { asOf: middle }))[0]).toMatchObject({
      available: 900n,
      reserved: 100n,
      inTransit: 0n,
    });
    expect((await getBalances(db, scope))[0]).toMatchObject({
      available: 900n,
      reserved: 0n,
      inTransit: 100n,
    });
    expect(
      await getAccountBalance(db, scope, { currency: "USD", kind: "reserved", asOf: middle }),
    ).toMatchObject({
      posted: 100n,
      spendable: 100n,
    });
    expect(
      await getAccountBalance(db, scope, { currency: "EUR", kind: "available" }),
    ).toMatchObject({
      posted: 0n,
      spendable: 0n,
    });
  });
});
