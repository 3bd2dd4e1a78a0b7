import { NonRetriableError } from "inngest";
import { afterEach, describe, expect, it } from "vitest";
import { manualClock, startTestApp, type TestApp, until } from "@/tests/fixtures/inngest-app";

type Run = {
  id: string;
  function_id: string;
  status: string;
  output: unknown;
  error: { message: string } | null;
  steps: Record<string, unknown>;
};

let app: TestApp | undefined;
afterEach(async () => {
  await app?.close();
  app = undefined;
});

async function runs(status?: string): Promise<Run[]> {
  const url = new URL(`${app?.engine.url}/runs`);
  if (status) url.searchParams.set("status", status);
  const { runs: list } = (await (await fetch(url)).json()) as { runs: Run[] };
  return Promise.all(
    list.map(async (run) => (await fetch(`${app?.engine.url}/runs/${run.id}`)).json()),
  );
}

function deferred() {
  let release = () => {};
  const promise = new Promise<void>((resolve) => {
    release = resolve;
  });
  return { promise, release };
}

const HOUR = 3_600_000;

type FailedEvent = { data: { event: { data: { payout: string } } } };

describe("local Inngest engine", () => {
  it("runs each step exactly once and returns the function's result", async () => {
    const calls = { a: 0, b: 0 };
    app = await startTestApp((inngest) => [
      inngest.createFunction(
        { id: "steps", triggers: [{ event: "test/steps" }] },
        async ({ event, step }) => {
          const a = await step.run("a", () => {
            calls.a++;
            return `a:${event.data.n}`;
          });
          const b = await step.run("b", () => {
            calls.b++;
            return `${a}+b`;
          });
          return { b };
        },
      ),
    ]);
    const sent = await app.inngest.send({ name: "test/steps", data: { n: 7 } });
    expect(sent.ids).toHaveLength(1);
    await app.engine.idle();
    expect(calls).toEqual({ a: 1, b: 1 });
    const [run] = await runs("completed");
    expect(run?.output).toEqual({ b: "a:7+b" });
  });

  it("runs parallel steps once each and resumes when all are done", async () => {
    const calls: string[] = [];
    app = await startTestApp((inngest) => [
      inngest.createFunction(
        { id: "parallel", triggers: [{ event: "test/parallel" }] },
        async ({ step }) => {
          const parts = await Promise.all(
            ["x", "y", "z"].map((id) =>
              step.run(id, () => {
                calls.push(id);
                return id.toUpperCase();
              }),
            ),
          );
          const joined = await step.run("join", () => {
            calls.push("join");
            return parts.join("");
          });
          return joined;
        },
      ),
    ]);
    await app.inngest.send({ name: "test/parallel", data: {} });
    await app.engine.idle();
    expect([...calls].sort()).toEqual(["join", "x", "y", "z"]);
    expect((await runs("completed"))[0]?.output).toBe("XYZ");
  });

  it("retries a failing step after backoff, without re-running the steps before it", async () => {
    const clock = manualClock();
    let before = 0;
    let attempts = 0;
    app = await startTestApp(
      (inngest) => [
        inngest.createFunction(
          { id: "flaky", retries: 3, triggers: [{ event: "test/flaky" }] },
          async ({ step }) => {
            await step.run("before", () => {
              before++;
            });
            return step.run("flaky", () => {
              attempts++;
              if (attempts < 3) throw new Error(`provider down (${attempts})`);
              return "paid";
            });
          },
        ),
      ],
      { clock: clock.now, backoffMs: (attempt) => 60_000 * 2 ** attempt },
    );
    await app.inngest.send({ name: "test/flaky", data: {} });
    await app.engine.idle();
    expect(attempts).toBe(1);
    clock.advance(59_000);
    await app.engine.idle();
    expect(attempts).toBe(1);
    clock.advance(1_000);
    await app.engine.idle();
    expect(attempts).toBe(2);
    clock.advance(120_000);
    await app.engine.idle();
    expect(attempts).toBe(3);
    expect(before).toBe(1);
    expect((await runs("completed"))[0]?.output).toBe("paid");
  });

  it("hands a step's error to the function once its retries are spent", async () => {
    const clock = manualClock();
    let attempts = 0;
    app = await startTestApp(
      (inngest) => [
        inngest.createFunction(
          { id: "spent", retries: 2, triggers: [{ event: "test/spent" }] },
          async ({ step }) => {
            try {
              await step.run("always-fails", () => {
                attempts++;
                throw new Error("still down");
              });
              return "unreachable";
            } catch (error) {
              return `caught: ${(error as Error).message}`;
            }
          },
        ),
      ],
      { clock: clock.now },
    );
    await app.inngest.send({ name: "test/spent", data: {} });
    for (let i = 0; i < 4; i++) {
      await app.engine.idle();
      clock.advance(HOUR);
    }
    await app.engine.idle();
    expect(attempts).toBe(3);
    expect((await runs("completed"))[0]?.output).toBe("caught: still down");
  });

  it("retries a failing function, then fails it and runs its onFailure handler", async () => {
    const clock = manualClock();
    let attempts = 0;
    const failures: string[] = [];
    app = await startTestApp(
      (inngest) => [
        inngest.createFunction(
          {
            id: "doomed",
            retries: 1,
            triggers: [{ event: "test/doomed" }],
            onFailure: async ({ error, event }: { error: Error; event: FailedEvent }) => {
              failures.push(`${error.message} for ${event.data.event.data.payout}`);
            },
          },
          async () => {
            attempts++;
            throw new Error("boom");
          },
        ),
      ],
      { clock: clock.now },
    );
    await app.inngest.send({ name: "test/doomed", data: { payout: "po_1" } });
    await app.engine.idle();
    expect(attempts).toBe(1);
    expect(failures).toEqual([]);
    clock.advance(HOUR);
    await app.engine.idle();
    expect(attempts).toBe(2);
    expect(failures).toEqual(["boom for po_1"]);
    const [failed] = await runs("failed");
    expect(failed?.function_id).toBe("engine-test-doomed");
    expect(failed?.error?.message).toBe("boom");
  });

  it("fails at once on a NonRetriableError", async () => {
    let attempts = 0;
    const failures: string[] = [];
    app = await startTestApp((inngest) => [
      inngest.createFunction(
        {
          id: "refused",
          retries: 5,
          triggers: [{ event: "test/refused" }],
          onFailure: ({ error }: { error: Error }) => {
            failures.push(error.message);
          },
        },
        async ({ step }) => {
          await step.run("check", () => {
            attempts++;
            throw new NonRetriableError("recipient is blocked");
          });
        },
      ),
    ]);
    await app.inngest.send({ name: "test/refused", data: {} });
    await app.engine.idle();
    expect(attempts).toBe(1);
    expect(failures).toEqual(["recipient is blocked"]);
    expect(await runs("failed")).toHaveLength(1);
  });

  it("sleeps durably until the clock passes the wake-up time", async () => {
    const clock = manualClock();
    const seen: string[] = [];
    app = await startTestApp(
      (inngest) => [
        inngest.createFunction(
          { id: "sleeper", triggers: [{ event: "test/sleep" }] },
          async ({ step }) => {
            await step.run("before", () => seen.push("before"));
            await step.sleep("nap", "2h");
            await step.run("after", () => seen.push("after"));
            return "rested";
          },
        ),
      ],
      { clock: clock.now },
    );
    await app.inngest.send({ name: "test/sleep", data: {} });
    await app.engine.idle();
    expect(seen).toEqual(["before"]);
    clock.advance(HOUR);
    await app.engine.idle();
    expect(seen).toEqual(["before"]);
    clock.advance(HOUR);
    await app.engine.idle();
    expect(seen).toEqual(["before", "after"]);
    expect((await runs("completed"))[0]?.output).toBe("rested");
  });

  it("waits for a matching event, and gives null when the wait times out", async () => {
    const clock = manualClock();
    app = await startTestApp(
      (inngest) => [
        inngest.createFunction(
          { id: "waiter", triggers: [{ event: "test/claim.issued" }] },
          async ({ step }) => {
            const claimed = await step.waitForEvent("claimed", {
              event: "test/claim.accepted",
              timeout: "1d",
              if: "async.data.claimId == event.data.claimId",
            });
            return claimed ? `accepted by ${claimed.data.by}` : "expired";
          },
        ),
      ],
      { clock: clock.now },
    );
    await app.inngest.send([
      { name: "test/claim.issued", data: { claimId: "c1" } },
      { name: "test/claim.issued", data: { claimId: "c2" } },
    ]);
    await app.engine.idle();
    await app.inngest.send({
      name: "test/claim.accepted",
      data: { claimId: "other", by: "nobody" },
    });
    await app.inngest.send({ name: "test/claim.accepted", data: { claimId: "c1", by: "ada" } });
    await app.engine.idle();
    expect((await runs("completed")).map((run) => run.output)).toEqual(["accepted by ada"]);
    clock.advance(24 * HOUR);
    await app.engine.idle();
    expect((await runs("completed")).map((run) => run.output).sort()).toEqual([
      "accepted by ada",
      "expired",
    ]);
  });

  it("runs functions once for an event sent twice with the same id", async () => {
    let runsStarted = 0;
    app = await startTestApp((inngest) => [
      inngest.createFunction({ id: "once", triggers: [{ event: "test/once" }] }, async () => {
        runsStarted++;
      }),
    ]);
    await app.inngest.send({ id: "payout-po_1-created", name: "test/once", data: {} });
    await app.inngest.send({ id: "payout-po_1-created", name: "test/once", data: {} });
    await app.inngest.send([
      { id: "payout-po_2-created", name: "test/once", data: {} },
      { id: "payout-po_2-created", name: "test/once", data: {} },
    ]);
    await app.engine.idle();
    expect(runsStarted).toBe(2);
  });

  it("starts one run per idempotency key and honours trigger expressions", async () => {
    const started: string[] = [];
    app = await startTestApp((inngest) => [
      inngest.createFunction(
        {
          id: "keyed",
          idempotency: "event.data.payoutId",
          triggers: [
            { event: "test/keyed", if: "event.data.mode == 'live' && event.data.amount > 0" },
          ],
        },
        async ({ event }) => {
          started.push(event.data.payoutId);
        },
      ),
    ]);
    await app.inngest.send([
      { name: "test/keyed", data: { payoutId: "po_1", mode: "live", amount: 5 } },
      { name: "test/keyed", data: { payoutId: "po_1", mode: "live", amount: 5 } },
      { name: "test/keyed", data: { payoutId: "po_2", mode: "test", amount: 5 } },
      { name: "test/keyed", data: { payoutId: "po_3", mode: "live", amount: 0 } },
    ]);
    await app.inngest.send({
      name: "test/keyed",
      data: { payoutId: "po_1", mode: "live", amount: 5 },
    });
    await app.engine.idle();
    expect(started).toEqual(["po_1"]);
  });

  it("batches events per key: a full batch runs at once, the rest when the timeout passes", async () => {
    const clock = manualClock();
    const batches: string[][] = [];
    app = await startTestApp(
      (inngest) => [
        inngest.createFunction(
          {
            id: "batched",
            batchEvents: {
              maxSize: 3,
              timeout: "5s",
              key: "event.data.org",
              if: "event.data.n > 0",
            },
            triggers: [{ event: "test/batched", if: "event.data.n != 99" }],
          },
          async ({ events, step }) =>
            step.run("take", () => {
              batches.push(
                events.map(
                  (e: { data: { org: string; n: number } }) => `${e.data.org}:${e.data.n}`,
                ),
              );
              return events.length;
            }),
        ),
      ],
      { clock: clock.now },
    );
    const send = (org: string, n: number) =>
      app?.inngest.send({ name: "test/batched", data: { org, n } });
    // One at a time, as the API relays a payout's event after its commit.
    for (const n of [1, 2, 99, 3, 4]) await send("a", n);
    await send("b", 1);
    await send("a", 0);
    await app.engine.idle();
    // a's first three filled a batch; n = 99 matched no trigger; n = 0 is not batched.
    expect(batches.sort()).toEqual([["a:0"], ["a:1", "a:2", "a:3"]]);

    clock.advance(5_000);
    await app.engine.idle();
    expect(batches.sort()).toEqual([["a:0"], ["a:1", "a:2", "a:3"], ["a:4"], ["b:1"]]);
    const done = await runs("completed");
    expect(done.map((run) => run.output).sort()).toEqual([1, 1, 1, 3]);
  });

  it("fires cron functions when the clock reaches their schedule", async () => {
    const clock = manualClock(Date.UTC(2026, 0, 1, 10, 1));
    const fired: string[] = [];
    app = await startTestApp(
      (inngest) => [
        inngest.createFunction(
          { id: "sweeper", triggers: [{ cron: "*/5 * * * *" }] },
          async ({ event }) => {
            fired.push(event.name);
          },
        ),
      ],
      { clock: clock.now },
    );
    await app.engine.idle();
    expect(fired).toEqual([]);
    clock.advance(4 * 60_000);
    await app.engine.idle();
    expect(fired).toEqual(["inngest/scheduled.timer"]);
    clock.advance(60_000);
    await app.engine.idle();
    expect(fired).toHaveLength(1);
  });

  it("keeps to a concurrency limit per key", async () => {
    const gate = deferred();
    const active = new Map<string, number>();
    const peak = new Map<string, number>();
    app = await startTestApp((inngest) => [
      inngest.createFunction(
        {
          id: "limited",
          concurrency: { key: "event.data.organisationId + '-' + event.data.mode", limit: 1 },
          triggers: [{ event: "test/limited" }],
        },
        async ({ event, step }) => {
          const key = `${event.data.organisationId}-${event.data.mode}`;
          await step.run("hold", async () => {
            active.set(key, (active.get(key) ?? 0) + 1);
            peak.set(key, Math.max(peak.get(key) ?? 0, active.get(key) ?? 0));
            await gate.promise;
            active.set(key, (active.get(key) ?? 0) - 1);
          });
        },
      ),
    ]);
    await app.inngest.send([
      ...[1, 2, 3].map(() => ({
        name: "test/limited",
        data: { organisationId: "org_a", mode: "live" },
      })),
      { name: "test/limited", data: { organisationId: "org_b", mode: "live" } },
    ]);
    await until(
      () => active.get("org_a-live") === 1 && active.get("org_b-live") === 1,
      "both keys to start",
    );
    // Give the engine the chance to start org_a's other runs, which it must not take.
    await new Promise((resolve) => setTimeout(resolve, 200));
    expect(active.get("org_a-live")).toBe(1);
    gate.release();
    await app.engine.idle();
    expect(Object.fromEntries(peak)).toEqual({ "org_a-live": 1, "org_b-live": 1 });
    expect(await runs("completed")).toHaveLength(4);
  });

  it("fans out through step.sendEvent without exceeding any key's limit", async () => {
    const active = new Map<string, number>();
    const peak = new Map<string, number>();
    let paid = 0;
    app = await startTestApp((inngest) => [
      inngest.createFunction(
        { id: "batch", triggers: [{ event: "test/batch" }] },
        async ({ step }) => {
          const payouts = await step.run("list", () =>
            Array.from({ length: 60 }, (_, i) => ({ id: `po_${i}`, org: `org_${i % 3}` })),
          );
          await step.sendEvent(
            "fan-out",
            payouts.map((payout: { id: string; org: string }) => ({
              name: "test/payout",
              data: payout,
            })),
          );
        },
      ),
      inngest.createFunction(
        {
          id: "payout",
          concurrency: { key: "event.data.org", limit: 2 },
          triggers: [{ event: "test/payout" }],
        },
        async ({ event, step }) => {
          await step.run("send", async () => {
            const org = event.data.org as string;
            active.set(org, (active.get(org) ?? 0) + 1);
            peak.set(org, Math.max(peak.get(org) ?? 0, active.get(org) ?? 0));
            await new Promise((resolve) => setTimeout(resolve, 5));
            active.set(org, (active.get(org) ?? 0) - 1);
          });
          await step.run("record", () => {
            paid++;
          });
        },
      ),
    ]);
    await app.inngest.send({ name: "test/batch", data: {} });
    await app.engine.idle();
    expect(paid).toBe(60);
    expect(Math.max(...peak.values())).toBe(2);
  });

  it("delivers step.sendEvent events, invokes functions and cancels runs", async () => {
    const clock = manualClock();
    app = await startTestApp(
      (inngest) => {
        const child = inngest.createFunction(
          { id: "child", triggers: [{ event: "test/child" }] },
          async ({ event }) => ({
            doubled: event.data.n * 2,
          }),
        );
        return [
          child,
          inngest.createFunction(
            { id: "parent", triggers: [{ event: "test/parent" }] },
            async ({ step }) => {
              const result = await step.invoke("call-child", { function: child, data: { n: 21 } });
              await step.sendEvent("announce", {
                name: "test/announced",
                data: { doubled: result.doubled },
              });
              return result.doubled;
            },
          ),
          inngest.createFunction(
            { id: "listener", triggers: [{ event: "test/announced" }] },
            async ({ event }) => {
              return `heard ${event.data.doubled}`;
            },
          ),
          inngest.createFunction(
            {
              id: "cancellable",
              triggers: [{ event: "test/batch.started" }],
              cancelOn: [{ event: "test/batch.cancelled", match: "data.batchId" }],
            },
            async ({ step }) => {
              await step.sleep("wait", "1h");
              return "not cancelled";
            },
          ),
        ];
      },
      { clock: clock.now },
    );
    await app.inngest.send({ name: "test/parent", data: {} });
    await app.inngest.send({ name: "test/batch.started", data: { batchId: "b1" } });
    await app.engine.idle();
    await app.inngest.send({ name: "test/batch.cancelled", data: { batchId: "b1" } });
    clock.advance(HOUR);
    await app.engine.idle();
    const completed = await runs("completed");
    const outputs = Object.fromEntries(completed.map((run) => [run.function_id, run.output]));
    expect(outputs).toEqual({
      "engine-test-child": { doubled: 42 },
      "engine-test-parent": 42,
      "engine-test-listener": "heard 42",
    });
    expect((await runs("cancelled")).map((run) => run.function_id)).toEqual([
      "engine-test-cancellable",
    ]);
  });
});
