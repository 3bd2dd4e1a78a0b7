import { afterEach, describe, expect, it } from "vitest";
import { startTestApp, type TestApp, until } from "@/tests/fixtures/inngest-app";
import { FunctionRegistry } from "./apps";
import { inngestLimits } from "./limits";

let app: TestApp | undefined;
afterEach(async () => {
  await app?.close();
  app = undefined;
});

async function onlyRun(): Promise<{ status: string; error: { message: string } | null }> {
  const { runs } = (await (await fetch(`${app?.engine.url}/runs`)).json()) as {
    runs: { id: string }[];
  };
  expect(runs.length).toBeLessThanOrEqual(1);
  if (!runs[0]) return { status: "running", error: null };
  return (await fetch(`${app?.engine.url}/runs/${runs[0]?.id}`)).json();
}

describe("the local engine holds functions to Inngest's documented limits", () => {
  it("fails a run that takes more than 1,000 steps, as Inngest Cloud would", async () => {
    app = await startTestApp((inngest) => [
      inngest.createFunction(
        { id: "too-many-steps", triggers: [{ event: "test/loop" }], retries: 0 },
        async ({ step }) => {
          // Short sleeps in parallel: every one is a step, and none needs a call of its own,
          // so the run reaches the limit in a few rounds.
          await Promise.all(
            Array.from({ length: inngestLimits.stepsPerRun + 1 }, (_, i) =>
              step.sleep(`pause-${i}`, "1ms"),
            ),
          );
          return "done";
        },
      ),
    ]);
    await app.inngest.send({ name: "test/loop", data: {} });
    await until(async () => (await onlyRun()).status !== "running", "the run to end", 60_000);
    const run = await onlyRun();
    expect(run.status).toBe("failed");
    expect(run.error?.message).toMatch(/more than 1000 steps/);
  }, 120_000);

  it("fails a run whose step returns more than 4 MiB", async () => {
    app = await startTestApp((inngest) => [
      inngest.createFunction(
        { id: "huge-output", triggers: [{ event: "test/huge" }], retries: 0 },
        async ({ step }) => {
          await step.run("big", () => "x".repeat(inngestLimits.stepOutputBytes + 1));
          return "done";
        },
      ),
    ]);
    await app.inngest.send({ name: "test/huge", data: {} });
    await app.engine.idle();
    const run = await onlyRun();
    expect(run.status).toBe("failed");
    expect(run.error?.message).toMatch(/step returned 4\.0 MiB/);
  });

  it("refuses an event over 3 MiB and a request of more than 5,000 events", async () => {
    app = await startTestApp(() => []);
    const post = (body: unknown) =>
      fetch(`${app?.engine.url}/e/test-event-key`, {
        method: "POST",
        headers: { "content-type": "application/json" },
        body: JSON.stringify(body),
      });
    const big = await post({ name: "test/big", data: { blob: "x".repeat(3 * 1024 * 1024) } });
    expect(big.status).toBe(400);
    expect(await big.text()).toMatch(/at most 3\.0 MiB/);
    const many = await post(
      Array.from({ length: inngestLimits.eventsPerRequest + 1 }, (_, i) => ({
        name: "test/many",
        data: { i },
      })),
    );
    expect(many.status).toBe(400);
    expect(await many.text()).toMatch(/at most 5000/);
    const fine = await post(
      Array.from({ length: inngestLimits.eventsPerRequest }, (_, i) => ({
        name: "test/many",
        data: { i },
      })),
    );
    expect(fine.status).toBe(200);
  });

  it("refuses to register a function that batches more than 100 events", async () => {
    const config = {
      id: "big-batches",
      name: "big-batches",
      triggers: [{ event: "test/batched" }],
      steps: {
        step: {
          id: "step",
          name: "step",
          runtime: { type: "http", url: "http://127.0.0.1:1/api/inngest" },
        },
      },
      batchEvents: { maxSize: 101, timeout: "1s" },
    };
    // Refused while checking the configuration, before anything is written.
    await expect(
      new FunctionRegistry().register(null as never, "http://127.0.0.1:1/api/inngest", [config], 0),
    ).rejects.toThrow(/at most 100 events per batch/);
  });
});
