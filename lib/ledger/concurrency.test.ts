import { sql } from "drizzle-orm";
import { afterAll, describe, expect, it } from "vitest";
import { createDb, db } from "@/db/client";
import { isAppError } from "@/lib/errors";
import { createLedgerScope } from "@/tests/fixtures/ledger";
import { lockWaiters, signal } from "@/tests/fixtures/races";
import { deposit, getBalances, postTransaction, verifyLedger } from "./index";

// A pool big enough that every caller below gets a connection (and a backend) of its own.
const parallel = createDb(process.env.DATABASE_URL as string, { max: 60 });
afterAll(() => parallel.sql.end({ timeout: 5 }));

const reserve = (amount: bigint, payoutId?: string) => ({
  from: "available" as const,
  to: "reserved" as const,
  amount,
  currency: "USD",
  payoutId,
});

describe("the ledger under concurrency", () => {
  it("lets exactly the affordable reservations through when 50 connections race", async () => {
    const scope = await createLedgerScope(db);
    await deposit(db, scope, { currency: "USD", amount: 1_000n, idempotencyKey: "fund" });
    const outcomes = await Promise.allSettled(
      Array.from({ length: 50 }, (_, i) =>
        postTransaction(parallel.db, scope, {
          idempotencyKey: `reserve-${i}`,
          transfers: [reserve(100n, `po_${i}`)],
        }),
      ),
    );
    const won = outcomes.filter((o) => o.status === "fulfilled");
    const lost = outcomes.filter((o) => o.status === "rejected");
    expect(won).toHaveLength(10);
    for (const o of lost) expect(isAppError(o.reason, "insufficient_funds")).toBe(true);
    const [backends] = await db.execute<{ n: number }>(
      sql`select count(*)::int as n from pg_stat_activity where datname = current_database()`,
    );
    expect(backends?.n).toBeGreaterThanOrEqual(40);
    expect((await getBalances(db, scope))[0]).toMatchObject({ available: 0n, reserved: 1_000n });
    expect(await verifyLedger(db)).toEqual({ ok: true, problems: [] });
  });

  it("refuses, and undoes its claim, when the funds go while a posting waits for the locks", async () => {
    const scope = await createLedgerScope(db);
    await deposit(db, scope, { currency: "USD", amount: 1_000n, idempotencyKey: "fund" });
    // The first posting holds the account locks, uncommitted; the second has checked the
    // committed balance (1,000 covers 700), claimed its key and written its transfer, and
    // waits for the locks; once they are free the balance is 400.
    const held = signal();
    const posted = signal();
    const first = parallel.db.transaction(async (tx) => {
      await postTransaction(tx, scope, { idempotencyKey: "first", transfers: [reserve(600n)] });
      posted.fire();
      await held.fired;
    });
    await posted.fired;
    const second = postTransaction(parallel.db, scope, {
      idempotencyKey: "second",
      transfers: [reserve(700n)],
    }).catch((error: unknown) => error);
    await lockWaiters(db, "ledger_post");
    held.fire();
    await first;

    const refused = await second;
    expect(isAppError(refused, "insufficient_funds")).toBe(true);
    expect((refused as Error).message).toBe(
      "Insufficient funds: $7.00 is required but the USD available balance is $4.00.",
    );
    const [written] = await db.execute<{ n: number }>(sql`
      select count(*)::int as n from ledger_transactions
      where organisation_id = ${scope.organisationId} and idempotency_key = 'second'`);
    expect(written?.n).toBe(0);
    // The key is free again: with the money deposited, the same request posts.
    await deposit(db, scope, { currency: "USD", amount: 300n, idempotencyKey: "top-up" });
    const retried = await postTransaction(db, scope, {
      idempotencyKey: "second",
      transfers: [reserve(700n)],
    });
    expect(retried.replayed).toBe(false);
    expect((await getBalances(db, scope))[0]).toMatchObject({ available: 0n, reserved: 1_300n });
    expect(await verifyLedger(db)).toEqual({ ok: true, problems: [] });
  });

  it("posts once when 20 connections send the same idempotency key at once", async () => {
    const scope = await createLedgerScope(db);
    await deposit(db, scope, { currency: "USD", amount: 1_000n, idempotencyKey: "fund" });
    const results = await Promise.all(
      Array.from({ length: 20 }, (_, i) =>
        // Half of the callers post inside a transaction of their own, as the payouts do.
        i % 2
          ? postTransaction(parallel.db, scope, {
              idempotencyKey: "same",
              transfers: [reserve(250n)],
            })
          : parallel.db.transaction((tx) =>
              postTransaction(tx, scope, { idempotencyKey: "same", transfers: [reserve(250n)] }),
            ),
      ),
    );
    expect(results.filter((r) => !r.replayed)).toHaveLength(1);
    expect(new Set(results.map((r) => r.transactionId)).size).toBe(1);
    expect((await getBalances(db, scope))[0]).toMatchObject({ available: 750n, reserved: 250n });
    expect((await verifyLedger(db)).ok).toBe(true);
  });

  it("never deadlocks when postings cross the same accounts in opposite directions", async () => {
    const scope = await createLedgerScope(db);
    await postTransaction(db, scope, {
      idempotencyKey: "fund",
      transfers: [
        { from: "external", to: "available", amount: 10_000n, currency: "USD" },
        { from: "external", to: "reserved", amount: 10_000n, currency: "USD" },
        { from: "external", to: "fees", amount: 10_000n, currency: "USD" },
      ],
    });
    const kinds = ["available", "reserved", "fees"] as const;
    await Promise.all(
      Array.from({ length: 18 }, (_, i) =>
        postTransaction(parallel.db, scope, {
          idempotencyKey: `cross-${i}`,
          transfers: [
            {
              from: kinds[i % 3] as never,
              to: kinds[(i + 1) % 3] as never,
              amount: 7n,
              currency: "USD",
            },
            {
              from: kinds[(i + 2) % 3] as never,
              to: kinds[i % 3] as never,
              amount: 5n,
              currency: "USD",
            },
          ],
        }),
      ),
    );
    const [balance] = await getBalances(db, scope);
    expect((balance?.available ?? 0n) + (balance?.reserved ?? 0n) + (balance?.fees ?? 0n)).toBe(
      30_000n,
    );
    expect((await verifyLedger(db)).ok).toBe(true);
  });

  it("leaves nothing behind when a connection is killed in the middle of a posting", async () => {
    const scope = await createLedgerScope(db);
    await deposit(db, scope, { currency: "USD", amount: 1_000n, idempotencyKey: "fund" });
    // One connection driven by hand: BEGIN, the posting (its locks and rows uncommitted),
    // then a long query during which another connection kills the backend. (A drizzle
    // transaction would answer the kill with a ROLLBACK on the dead socket, which
    // postgres.js 3.4 turns into an uncaught exception: porsager/postgres#1208.)
    const victim = createDb(process.env.DATABASE_URL as string, { max: 1 });
    await victim.db.execute(sql`begin`);
    const [row] = await victim.db.execute<{ pid: number }>(sql`select pg_backend_pid() as pid`);
    const victimPid = row?.pid ?? 0;
    const doomed = await postTransaction(victim.db, scope, {
      idempotencyKey: "doomed",
      transfers: [reserve(600n)],
    });
    expect(doomed.replayed).toBe(false);
    const sleeping = victim.db.execute(sql`select pg_sleep(60)`).then(
      () => "finished",
      (error: unknown) => error,
    );
    for (let waited = 0; waited < 100; waited++) {
      const [activity] = await db.execute<{ query: string }>(
        sql`select query from pg_stat_activity where pid = ${victimPid} and state = 'active'`,
      );
      if (activity?.query.includes("pg_sleep")) break;
      await new Promise((r) => setTimeout(r, 50));
    }
    const [killed] = await db.execute<{ ok: boolean }>(
      sql`select pg_terminate_backend(${victimPid}) as ok`,
    );
    expect(killed?.ok).toBe(true);
    expect(await sleeping).toBeInstanceOf(Error);
    await victim.sql.end({ timeout: 1 });

    // The dead transaction's row locks are gone: this posting does not wait for them.
    await postTransaction(db, scope, { idempotencyKey: "after", transfers: [reserve(1_000n)] });
    const [written] = await db.execute<{ n: number }>(
      sql`select count(*)::int as n from ledger_transactions where idempotency_key = 'doomed'`,
    );
    expect(written?.n).toBe(0);
    expect((await getBalances(db, scope))[0]).toMatchObject({ available: 0n, reserved: 1_000n });
    expect((await verifyLedger(db)).ok).toBe(true);
  });
});
