import { afterEach, describe, expect, it } from "vitest";
import { manualClock, startTestApp, type TestApp } from "./test-app";

let app: TestApp | undefined;
afterEach(async () => {
  await app?.close();
  app = undefined;
});

describe("local Inngest engine", () => {
  it("runs each step exactly once and completes the run", async () => {
    const calls = { a: 0, b: 0 };
    app = await startTestApp((inngest) => [
      inngest.createFunction({ id: "steps", triggers: [{ event: "test/steps" }] }, async ({ event, step }) => {
        const a = await step.run("a", () => {
          calls.a++;
          return `a:${event.data.n}`;
        });
        const b = await step.run("b", () => {
          calls.b++;
          return `${a}+b`;
        });
        return { b };
      }),
    ]);
    await app.inngest.send({ name: "test/steps", data: { n: 7 } });
    await app.engine.idle();
    expect(calls).toEqual({ a: 1, b: 1 });
    const res = await fetch(`${app.engine.url}/runs?status=completed`);
    const { runs } = (await res.json()) as { runs: { id: string }[] };
    expect(runs).toHaveLength(1);
    const run = await (await fetch(`${app.engine.url}/runs/${runs[0]?.id}`)).json();
    expect(run.output).toEqual({ b: "a:7+b" });
  });
});
