import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { db } from "@/db/client";
import { type AppError, isAppError } from "@/lib/errors";
import { createLedgerScope } from "@/tests/fixtures/ledger";
import {
  type AccountKind,
  createHold,
  deposit,
  getAccountBalance,
  getBalances,
  postHold,
  postTransaction,
  verifyLedger,
  voidHold,
} from "./index";

type Internal = Exclude<AccountKind, "external">;
const internal: Internal[] = ["available", "reserved", "in_transit", "paid_out", "fees"];

type Command =
  | { op: "deposit"; amount: bigint }
  | { op: "transfer"; from: Internal; to: Internal; amount: bigint }
  | { op: "release"; amount: bigint }
  | { op: "hold"; from: Internal; to: Internal; amount: bigint }
  | { op: "post"; hold: number; amount: bigint | null }
  | { op: "void"; hold: number }
  | { op: "replay"; pick: number };

const amount = fc.bigInt({ min: 1n, max: 400n });
const kind = fc.constantFrom(...internal);
// Money enters through `available`, so most movements start there to get anywhere.
const source = fc.oneof({ arbitrary: fc.constant<Internal>("available"), weight: 3 }, kind);
const pair = fc
  .tuple(source, kind)
  .filter(([from, to]) => from !== to)
  .map(([from, to]) => ({ from, to }));

const command: fc.Arbitrary<Command> = fc.oneof(
  { arbitrary: amount.map((a) => ({ op: "deposit" as const, amount: a })), weight: 3 },
  {
    arbitrary: fc
      .tuple(pair, amount)
      .map(([p, a]) => ({ op: "transfer" as const, ...p, amount: a })),
    weight: 3,
  },
  { arbitrary: amount.map((a) => ({ op: "release" as const, amount: a })), weight: 1 },
  {
    arbitrary: fc.tuple(pair, amount).map(([p, a]) => ({ op: "hold" as const, ...p, amount: a })),
    weight: 3,
  },
  {
    arbitrary: fc
      .tuple(fc.nat(), fc.option(amount, { nil: null }))
      .map(([hold, a]) => ({ op: "post" as const, hold, amount: a })),
    weight: 2,
  },
  { arbitrary: fc.nat().map((hold) => ({ op: "void" as const, hold })), weight: 1 },
  { arbitrary: fc.nat().map((pick) => ({ op: "replay" as const, pick })), weight: 1 },
);

/** The ledger as a few maps: what the database must agree with after every step. */
class Model {
  posted = new Map<AccountKind, bigint>();
  pendingDebits = new Map<AccountKind, bigint>();
  holds: { id: string; from: Internal; to: Internal; amount: bigint; resolved: boolean }[] = [];

  get(map: Map<AccountKind, bigint>, k: AccountKind) {
    return map.get(k) ?? 0n;
  }
  add(map: Map<AccountKind, bigint>, k: AccountKind, v: bigint) {
    map.set(k, this.get(map, k) + v);
  }
  spendable(k: AccountKind) {
    return this.get(this.posted, k) - this.get(this.pendingDebits, k);
  }
}

type Step = {
  call: () => Promise<unknown>;
  expectedError: AppError["code"] | null;
  apply: () => void;
};

function plan(
  model: Model,
  cmd: Command,
  scope: Awaited<ReturnType<typeof createLedgerScope>>,
  key: string,
): Step | null {
  const currency = "USD";
  switch (cmd.op) {
    case "deposit":
      return {
        call: () => deposit(db, scope, { currency, amount: cmd.amount, idempotencyKey: key }),
        expectedError: null,
        apply: () => {
          model.add(model.posted, "external", -cmd.amount);
          model.add(model.posted, "available", cmd.amount);
        },
      };
    case "transfer":
    case "release": {
      const from = cmd.op === "release" ? "reserved" : cmd.from;
      const to = cmd.op === "release" ? "available" : cmd.to;
      return {
        call: () =>
          postTransaction(db, scope, {
            idempotencyKey: key,
            transfers: [{ from, to, amount: cmd.amount, currency }],
          }),
        expectedError: model.spendable(from) < cmd.amount ? "insufficient_funds" : null,
        apply: () => {
          model.add(model.posted, from, -cmd.amount);
          model.add(model.posted, to, cmd.amount);
        },
      };
    }
    case "hold": {
      let id = "";
      return {
        call: async () => {
          const result = await createHold(db, scope, {
            idempotencyKey: key,
            from: cmd.from,
            to: cmd.to,
            amount: cmd.amount,
            currency,
          });
          id = result.hold.id;
          return result;
        },
        expectedError: model.spendable(cmd.from) < cmd.amount ? "insufficient_funds" : null,
        apply: () => {
          model.add(model.pendingDebits, cmd.from, cmd.amount);
          model.holds.push({ id, from: cmd.from, to: cmd.to, amount: cmd.amount, resolved: false });
        },
      };
    }
    case "post":
    case "void": {
      const hold = model.holds[cmd.hold % Math.max(model.holds.length, 1)];
      if (!hold) return null;
      const posted = cmd.op === "post" ? (cmd.amount ?? hold.amount) : 0n;
      return {
        call: () =>
          cmd.op === "post"
            ? postHold(db, scope, {
                holdId: hold.id,
                amount: cmd.amount ?? undefined,
                idempotencyKey: key,
              })
            : voidHold(db, scope, { holdId: hold.id, idempotencyKey: key }),
        expectedError: hold.resolved
          ? "invalid_state_transition"
          : posted > hold.amount
            ? "validation_failed"
            : null,
        apply: () => {
          hold.resolved = true;
          model.add(model.pendingDebits, hold.from, -hold.amount);
          model.add(model.posted, hold.from, -posted);
          model.add(model.posted, hold.to, posted);
        },
      };
    }
    case "replay":
      return null;
  }
}

async function expectBalancesMatch(
  model: Model,
  scope: Awaited<ReturnType<typeof createLedgerScope>>,
) {
  const [balance] = await getBalances(db, scope);
  const pending = internal.reduce((sum, k) => sum + model.get(model.pendingDebits, k), 0n);
  expect(
    balance ?? { available: 0n, reserved: 0n, inTransit: 0n, paidOut: 0n, fees: 0n, pending: 0n },
  ).toMatchObject({
    available: model.spendable("available"),
    reserved: model.spendable("reserved"),
    inTransit: model.spendable("in_transit"),
    paidOut: model.spendable("paid_out"),
    fees: model.spendable("fees"),
    pending,
  });
  const external = await getAccountBalance(db, scope, { currency: "USD", kind: "external" });
  expect(external.posted).toBe(model.get(model.posted, "external"));
}

describe("the ledger against an in-memory model", () => {
  it("agrees on every balance after any sequence of movements, and verifies", async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.array(command, { minLength: 5, maxLength: 30, size: "max" }),
        async (commands) => {
          const scope = await createLedgerScope(db);
          const model = new Model();
          const done: { step: () => Promise<unknown> }[] = [];
          for (const [i, cmd] of commands.entries()) {
            if (cmd.op === "replay") {
              const earlier = done[cmd.pick % Math.max(done.length, 1)];
              if (!earlier) continue;
              const again = (await earlier.step()) as { replayed: boolean };
              expect(again.replayed).toBe(true);
              await expectBalancesMatch(model, scope);
              continue;
            }
            const step = plan(model, cmd, scope, `k${i}`);
            if (!step) continue;
            let error: unknown = null;
            try {
              await step.call();
            } catch (e) {
              error = e;
            }
            if (step.expectedError) {
              expect(isAppError(error, step.expectedError), `${cmd.op}: ${String(error)}`).toBe(
                true,
              );
            } else {
              expect(error).toBeNull();
              step.apply();
              done.push({ step: step.call });
            }
            await expectBalancesMatch(model, scope);
          }
          expect(await verifyLedger(db)).toEqual({ ok: true, problems: [] });
        },
      ),
      { numRuns: 12 },
    );
  });
});
