import { and, eq } from "drizzle-orm";
import { describe, expect, it } from "vitest";
import { createDb, db } from "@/db/client";
import { balanceThresholds, events } from "@/db/schema";
import { type Scope, tenantWhere } from "@/db/scope";
import { createPayout, createPayoutBodySchema } from "@/lib/payouts/create-payout";
import { fund, insertOrganisation } from "@/tests/payouts/fixtures";
import { checkBalance, watchedBalances } from "./balance-monitor";

async function lowEvents(scope: Scope) {
  return db
    .select({ data: events.data })
    .from(events)
    .where(and(tenantWhere(events, scope), eq(events.type, "balance.low")))
    .orderBy(events.id);
}

async function spend(scope: Scope, amount: number) {
  await createPayout(
    db,
    scope,
    createPayoutBodySchema.parse({
      recipient: { email: `spend${amount}@example.com`, country: "US" },
      amount,
      currency: "USD",
    }),
  );
}

async function withThreshold(amount: bigint) {
  const { scope } = await insertOrganisation(db);
  await db.insert(balanceThresholds).values({ ...scope, currency: "USD", amount });
  return scope;
}

describe("balance monitor", () => {
  it("fires balance.low once when available crosses below the threshold, and again after it recovers", async () => {
    const scope = await withThreshold(10_000n);
    await fund(db, scope, 15_000n);
    expect((await checkBalance(db, scope, "USD")).raised).toEqual([]);

    await spend(scope, 6_000);
    expect((await checkBalance(db, scope, "USD")).raised).toEqual(["below_threshold"]);
    await spend(scope, 1_000);
    expect((await checkBalance(db, scope, "USD")).raised).toEqual([]);
    expect((await lowEvents(scope)).map((e) => e.data)).toEqual([
      { currency: "USD", available: 9_000, threshold: 10_000, projected_shortfall: null },
    ]);

    await fund(db, scope, 20_000n);
    expect((await checkBalance(db, scope, "USD")).cleared).toEqual(["below_threshold"]);
    await spend(scope, 20_000);
    expect((await checkBalance(db, scope, "USD")).raised).toEqual(["below_threshold"]);
    expect(await lowEvents(scope)).toHaveLength(2);
  });

  it("fires once however many checks race over the same crossing", async () => {
    const scope = await withThreshold(10_000n);
    await fund(db, scope, 5_000n);
    const pool = createDb(process.env.DATABASE_URL as string, { max: 10 });
    try {
      await Promise.all(Array.from({ length: 10 }, () => checkBalance(pool.db, scope, "USD")));
    } finally {
      await pool.sql.end();
    }
    expect(await lowEvents(scope)).toHaveLength(1);
  });

  it("warns of a projected shortfall before work that available cannot cover", async () => {
    const scope = await withThreshold(1_000n);
    await fund(db, scope, 9_000n);
    const check = await checkBalance(db, scope, "USD", { demand: 50_000n });
    expect(check.raised).toEqual(["projected_shortfall"]);
    expect((await lowEvents(scope)).at(-1)?.data).toEqual({
      currency: "USD",
      available: 9_000,
      threshold: 1_000,
      projected_shortfall: 41_000,
    });
    // A bigger demand within the same crossing is remembered, not re-announced.
    expect((await checkBalance(db, scope, "USD", { demand: 60_000n })).raised).toEqual([]);
    await fund(db, scope, 50_000n);
    expect((await checkBalance(db, scope, "USD")).raised).toEqual([]);
    await fund(db, scope, 2_000n);
    expect((await checkBalance(db, scope, "USD")).cleared).toEqual(["projected_shortfall"]);
    expect(await lowEvents(scope)).toHaveLength(1);
  });

  it("watches balances with a threshold and ones with an open alert", async () => {
    const withOne = await withThreshold(1n);
    const { scope: without } = await insertOrganisation(db);
    await checkBalance(db, without, "EUR", { demand: 10n });
    const watched = await watchedBalances(db);
    expect(watched).toContainEqual({ ...withOne, currency: "USD" });
    expect(watched).toContainEqual({ ...without, currency: "EUR" });
  });
});
