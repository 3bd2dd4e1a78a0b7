import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createDb, db } from "@/db/client";
import { isAppError } from "@/lib/errors";
import { payoutLedgerHistory, verifyLedger } from "@/lib/ledger";
import { cancelPayout } from "@/lib/payouts/cancel-payout";
import { createPayout, createPayoutBodySchema } from "@/lib/payouts/create-payout";
import { movePayout } from "@/lib/payouts/machine";
import { getPayout } from "@/lib/payouts/queries";
import { balanceOf, fund, insertOrganisation } from "./fixtures";

const body = (amount: number) =>
  createPayoutBodySchema.parse({
    recipient: { email: "c@example.com", country: "DE" },
    amount,
    currency: "USD",
  });

/** Separate pools, so the racing calls really run on different connections. */
let pools: ReturnType<typeof createDb>[] = [];

beforeAll(() => {
  pools = [0, 1].map(() => createDb(process.env.DATABASE_URL as string, { max: 20 }));
});
afterAll(async () => {
  await Promise.all(pools.map((p) => p.sql.end({ timeout: 5 })));
});

function outcomes(results: PromiseSettledResult<unknown>[]) {
  for (const r of results) {
    if (r.status === "rejected" && !isAppError(r.reason, "invalid_state_transition"))
      throw r.reason;
  }
  return results.map((r) => r.status).sort();
}

describe("concurrent transitions", () => {
  it("two parallel cancels of the same payout: exactly one wins and funds are released once", async () => {
    const { scope } = await insertOrganisation(db);
    await fund(db, scope, 100_000n);
    for (let round = 0; round < 10; round++) {
      const payout = await createPayout(db, scope, body(1_000));
      const results = await Promise.allSettled(
        pools.map((p) => cancelPayout(p.db, scope, { payoutId: payout.id })),
      );
      expect(outcomes(results)).toEqual(["fulfilled", "rejected"]);
      const releases = (await payoutLedgerHistory(db, scope, payout.id)).filter(
        (t) => t.to === "available",
      );
      expect(releases).toHaveLength(1);
    }
    expect(await balanceOf(db, scope)).toMatchObject({ available: 100_000n, reserved: 0n });
    expect((await verifyLedger(db)).problems).toEqual([]);
  });

  it("a claim racing an expiry: exactly one of the two events applies", async () => {
    const { scope } = await insertOrganisation(db);
    await fund(db, scope, 100_000n);
    for (let round = 0; round < 10; round++) {
      const payout = await createPayout(db, scope, body(1_000));
      await movePayout(db, scope, payout.id, "open");
      const [a, b] = pools as [ReturnType<typeof createDb>, ReturnType<typeof createDb>];
      const results = await Promise.allSettled([
        movePayout(a.db, scope, payout.id, "claim"),
        movePayout(b.db, scope, payout.id, "expire"),
      ]);
      expect(outcomes(results)).toEqual(["fulfilled", "rejected"]);
      const final = await getPayout(db, scope, payout.id);
      const winner = results[0]?.status === "fulfilled" ? "claimed" : "expired";
      expect(final?.status).toBe(winner);
    }
    expect((await verifyLedger(db)).problems).toEqual([]);
  });

  it("a claim racing a cancel: the cancel applies either way (a claimed payout is still cancelable) and releases once", async () => {
    const { scope } = await insertOrganisation(db);
    await fund(db, scope, 100_000n);
    for (let round = 0; round < 10; round++) {
      const payout = await createPayout(db, scope, body(1_000));
      await movePayout(db, scope, payout.id, "open");
      const [a, b] = pools as [ReturnType<typeof createDb>, ReturnType<typeof createDb>];
      const [claim, cancel] = await Promise.allSettled([
        movePayout(a.db, scope, payout.id, "claim"),
        movePayout(b.db, scope, payout.id, "cancel"),
      ]);
      expect(cancel.status).toBe("fulfilled");
      // The claim lost only when the cancel came first.
      const canceledFrom = cancel.status === "fulfilled" ? cancel.value.previousStatus : null;
      expect(claim.status).toBe(canceledFrom === "claimed" ? "fulfilled" : "rejected");
      expect((await getPayout(db, scope, payout.id))?.status).toBe("canceled");
      const releases = (await payoutLedgerHistory(db, scope, payout.id)).filter(
        (t) => t.to === "available",
      );
      expect(releases).toHaveLength(1);
    }
    expect(await balanceOf(db, scope)).toMatchObject({ available: 100_000n, reserved: 0n });
    expect((await verifyLedger(db)).problems).toEqual([]);
  });

  it("parallel creates never overdraw: exactly as many as the balance covers succeed", async () => {
    const { scope } = await insertOrganisation(db);
    await fund(db, scope, 10_000n);
    const results = await Promise.allSettled(
      Array.from({ length: 16 }, (_, i) =>
        createPayout((pools[i % 2] as ReturnType<typeof createDb>).db, scope, body(1_000)),
      ),
    );
    const refused = results.filter((r) => r.status === "rejected");
    for (const r of refused) expect(isAppError(r.reason, "insufficient_funds")).toBe(true);
    expect(results.filter((r) => r.status === "fulfilled")).toHaveLength(10);
    expect(await balanceOf(db, scope)).toMatchObject({ available: 0n, reserved: 10_000n });
    expect((await verifyLedger(db)).problems).toEqual([]);
  });
});
