import { eq } from "drizzle-orm";
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { db } from "@/db/client";
import { events, type PayoutStatus, payoutTransitions } from "@/db/schema";
import { isAppError } from "@/lib/errors";
import { payoutLedgerHistory, verifyLedger } from "@/lib/ledger";
import { createPayout, createPayoutBodySchema } from "@/lib/payouts/create-payout";
import { getPayout } from "@/lib/payouts/queries";
import { payoutStatuses } from "@/lib/payouts/serialize";
import {
  allowedTransitions,
  canTransition,
  nextStatuses,
  transitionPayout,
} from "@/lib/payouts/transitions";
import { balanceOf, fund, insertOrganisation } from "./fixtures";

process.env.AUTH_SECRET ??= "test-secret-for-payout-state-machine-0123456789";

/** Where a payout's money must sit in each status (net of its own transfers). */
function expectedPosition(status: PayoutStatus, amount: bigint) {
  const position = { available: -amount, reserved: 0n, in_transit: 0n, paid_out: 0n };
  if (status === "canceled" || status === "expired") position.available = 0n;
  else if (status === "processing") position.in_transit = amount;
  else if (status === "paid") position.paid_out = amount;
  else position.reserved = amount;
  return position;
}

async function positionOf(scope: Parameters<typeof payoutLedgerHistory>[1], payoutId: string) {
  const position: Record<string, bigint> = {
    available: 0n,
    reserved: 0n,
    in_transit: 0n,
    paid_out: 0n,
  };
  for (const t of await payoutLedgerHistory(db, scope, payoutId)) {
    position[t.from] = (position[t.from] ?? 0n) - t.amount;
    position[t.to] = (position[t.to] ?? 0n) + t.amount;
  }
  return position;
}

const attempt = fc.record({
  payout: fc.noBias(fc.nat({ max: 1 })),
  /**
   * Mostly a legal move that keeps the payout alive, so runs get deep into the machine;
   * sometimes any legal move (cancel, expire), sometimes any status at all.
   */
  to: fc.record({
    kind: fc.constantFrom("forward", "forward", "forward", "forward", "legal", "legal", "any"),
    pick: fc.noBias(fc.nat({ max: 839 })),
  }),
  /** Occasionally claim the payout is in a status it is not in (a stale read). */
  staleFrom: fc.oneof(
    { weight: 6, arbitrary: fc.constant(null) },
    { weight: 1, arbitrary: fc.constantFrom(...payoutStatuses) },
  ),
});

function chooseTarget(current: PayoutStatus, to: { kind: string; pick: number }): PayoutStatus {
  const legal = nextStatuses(current);
  const forward = legal.filter((s) => s !== "canceled" && s !== "expired");
  const options =
    to.kind === "forward" && forward.length
      ? forward
      : to.kind !== "any" && legal.length
        ? legal
        : payoutStatuses;
  return options[to.pick % options.length] as PayoutStatus;
}

describe("payout state machine", () => {
  it("has no way out of expired or canceled, and none from processing to canceled", () => {
    expect(nextStatuses("expired")).toEqual([]);
    expect(nextStatuses("canceled")).toEqual([]);
    expect(canTransition("processing", "canceled")).toBe(false);
    expect(canTransition("paid", "canceled")).toBe(false);
    for (const from of payoutStatuses) expect(canTransition(from, "pending")).toBe(false);
  });

  it("lets every status be reached from pending", () => {
    const reached = new Set<PayoutStatus>(["pending"]);
    const queue: PayoutStatus[] = ["pending"];
    while (queue.length) {
      for (const next of Object.keys(allowedTransitions[queue.shift() as PayoutStatus])) {
        if (!reached.has(next as PayoutStatus)) {
          reached.add(next as PayoutStatus);
          queue.push(next as PayoutStatus);
        }
      }
    }
    expect([...reached].sort()).toEqual([...payoutStatuses].sort());
  });

  it("applies only allowed transitions; the ledger balances and each payout's money is conserved", async () => {
    const reached = new Set<PayoutStatus>();
    await fc.assert(
      fc.asyncProperty(
        fc.array(attempt, { minLength: 4, maxLength: 24, size: "max" }),
        async (attempts) => {
          const { scope } = await insertOrganisation(db);
          await fund(db, scope, 100_000n);
          const amounts = [1_234n, 56_789n];
          const payouts = [];
          for (const amount of amounts) {
            payouts.push(
              await createPayout(
                db,
                scope,
                createPayoutBodySchema.parse({
                  recipient: { email: "p@example.com", country: "FR" },
                  amount: Number(amount),
                  currency: "USD",
                }),
              ),
            );
          }
          const model: PayoutStatus[] = payouts.map(() => "pending");
          const successes = [0, 0];

          for (const step of attempts) {
            const i = step.payout;
            const current = model[i] as PayoutStatus;
            const to = chooseTarget(current, step.to);
            const from = step.staleFrom ?? current;
            const shouldSucceed = from === current && canTransition(current, to);

            const outcome = await transitionPayout(db, scope, {
              payoutId: (payouts[i] as { id: string }).id,
              from,
              to,
              reason: "property test",
              actor: "test",
            }).then(
              () => "ok",
              (error) => {
                if (!isAppError(error, "invalid_state_transition")) throw error;
                return "refused";
              },
            );
            expect(outcome).toBe(shouldSucceed ? "ok" : "refused");
            if (shouldSucceed) {
              reached.add(to);
              model[i] = to;
              successes[i] = (successes[i] ?? 0) + 1;
            }

            const verified = await verifyLedger(db);
            expect(verified.problems).toEqual([]);
            for (const [j, payout] of payouts.entries()) {
              const status = model[j] as PayoutStatus;
              expect((await getPayout(db, scope, payout.id))?.status).toBe(status);
              expect(await positionOf(scope, payout.id)).toEqual(
                expectedPosition(status, payout.amount),
              );
            }
          }

          // The org's totals are the sum of its payouts' positions.
          const totals = { available: 100_000n, reserved: 0n, inTransit: 0n, paidOut: 0n };
          for (const [j, payout] of payouts.entries()) {
            const p = expectedPosition(model[j] as PayoutStatus, payout.amount);
            totals.available += p.available;
            totals.reserved += p.reserved;
            totals.inTransit += p.in_transit;
            totals.paidOut += p.paid_out;
          }
          expect(await balanceOf(db, scope)).toEqual(totals);

          for (const [j, payout] of payouts.entries()) {
            const timeline = await db
              .select()
              .from(payoutTransitions)
              .where(eq(payoutTransitions.payoutId, payout.id));
            expect(timeline).toHaveLength(1 + (successes[j] ?? 0));
          }
          const outbox = await db
            .select()
            .from(events)
            .where(eq(events.organisationId, scope.organisationId));
          expect(outbox).toHaveLength(payouts.length + successes.reduce((a, b) => a + b, 0));
        },
      ),
      { numRuns: 30 },
    );
    // Otherwise the property would hold vacuously for the statuses never visited.
    expect([...reached].sort()).toEqual(payoutStatuses.filter((s) => s !== "pending").sort());
  }, 240_000);
});
