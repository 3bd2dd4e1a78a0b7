import { type ChildProcess, spawn } from "node:child_process";
import http from "node:http";
import type { AddressInfo } from "node:net";
import path from "node:path";
import { Inngest } from "inngest";
import { serve } from "inngest/node";
import { afterEach, describe, expect, it } from "vitest";
import { connectPostgres } from "@/db/connect";
import { manualClock, startTestApp, TEST_EVENT_KEY, until } from "@/tests/fixtures/inngest-app";
import { type LocalEngine, startLocalEngine } from "./index";

const databaseUrl = process.env.DATABASE_URL as string;
const silent = { info: () => {}, warn: () => {}, error: () => {}, debug: () => {} };

/** The engine as its own process, so the test can kill -9 it like a crash would. */
async function spawnEngine(appUrl: string): Promise<{ child: ChildProcess; url: string }> {
  const child = spawn(
    process.execPath,
    ["--import", "tsx", path.join(import.meta.dirname, "cli.ts")],
    {
      env: {
        ...process.env,
        DATABASE_URL: databaseUrl,
        INNGEST_ENGINE_APP_URL: appUrl,
        INNGEST_EVENT_KEY: TEST_EVENT_KEY,
        INNGEST_ENGINE_PORT: "0",
        INNGEST_ENGINE_LEASE_MS: "300",
        INNGEST_ENGINE_POLL_MS: "20",
      },
      stdio: ["ignore", "pipe", "pipe"],
    },
  );
  const url = await new Promise<string>((resolve, reject) => {
    let out = "";
    child.stdout?.on("data", (chunk) => {
      out += chunk;
      const line = out.split("\n").find((l) => l.startsWith("{"));
      if (line) resolve((JSON.parse(line) as { url: string }).url);
    });
    child.once("exit", (code) => reject(new Error(`engine exited with ${code}`)));
  });
  return { child, url };
}

function deferred() {
  let release = () => {};
  const promise = new Promise<void>((resolve) => {
    release = resolve;
  });
  return { promise, release };
}

let cleanups: Array<() => Promise<void>> = [];
afterEach(async () => {
  for (const cleanup of cleanups.reverse()) await cleanup();
  cleanups = [];
  const sql = connectPostgres(databaseUrl, { max: 1 });
  await sql`
        truncate inngest_engine.functions, inngest_engine.events, inngest_engine.runs,
          inngest_engine.waits, inngest_engine.idempotency_keys, inngest_engine.crons`;
  await sql.end();
});

describe("engine restarts", () => {
  it("resumes a run after kill -9 without re-running completed steps", async () => {
    const counts = { a: 0, b: 0, c: 0 };
    const blocker = deferred();
    const server = http.createServer();
    await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
    const appUrl = `http://127.0.0.1:${(server.address() as AddressInfo).port}/api/inngest`;
    cleanups.push(async () => {
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    });

    const first = await spawnEngine(appUrl);
    cleanups.push(async () => {
      first.child.kill("SIGKILL");
    });
    const inngest = new Inngest({
      id: "crash-test",
      isDev: true,
      baseUrl: first.url,
      eventKey: TEST_EVENT_KEY,
      logger: silent,
    });
    const fn = inngest.createFunction(
      { id: "pay", triggers: [{ event: "test/pay" }] },
      async ({ step }) => {
        await step.run("a", () => {
          counts.a++;
        });
        await step.run("b", async () => {
          counts.b++;
          if (counts.b === 1) await blocker.promise;
        });
        await step.run("c", () => {
          counts.c++;
        });
        return "done";
      },
    );
    server.on("request", serve({ client: inngest, functions: [fn] }));
    await until(
      async () =>
        ((await (await fetch(`${first.url}/health`)).json()) as { functions: number }).functions >
        0,
      "the first engine to sync",
    );
    await inngest.send({ name: "test/pay", data: {} });
    await until(() => counts.b === 1, "step b to start");

    first.child.kill("SIGKILL");
    await new Promise((resolve) => first.child.once("exit", resolve));
    blocker.release();

    const second: LocalEngine = await startLocalEngine({
      databaseUrl,
      appUrl,
      eventKey: TEST_EVENT_KEY,
      port: 0,
      pollMs: 20,
      log: () => {},
    });
    cleanups.push(() => second.stop());
    await second.idle();
    // Step b had not been memoised when the engine died, so it ran again; a never did.
    expect(counts).toEqual({ a: 1, b: 2, c: 1 });
    const sql = connectPostgres(databaseUrl, { max: 1 });
    const [run] = await sql<{ status: string; output: unknown }[]>`
      select status, output from inngest_engine.runs where function_id = 'crash-test-pay'`;
    await sql.end();
    expect(run).toEqual({ status: "completed", output: "done" });
  });

  it("stops at once mid-step, and the next engine finishes the run", async () => {
    const counts = { a: 0, b: 0, c: 0 };
    const blocker = deferred();
    const app = await startTestApp((inngest) => [
      inngest.createFunction(
        { id: "slow", triggers: [{ event: "test/slow" }] },
        async ({ step }) => {
          await step.run("a", () => {
            counts.a++;
          });
          await step.run("b", async () => {
            counts.b++;
            await blocker.promise;
          });
          await step.run("c", () => {
            counts.c++;
          });
        },
      ),
    ]);
    cleanups.push(() => app.close());
    await app.inngest.send({ name: "test/slow", data: {} });
    await until(() => counts.b === 1, "step b to start");
    const stopping = Date.now();
    await app.engine.stop();
    expect(Date.now() - stopping).toBeLessThan(2_000);
    blocker.release();
    const engine = await app.restartEngine();
    await engine.idle();
    expect(counts).toEqual({ a: 1, b: 2, c: 1 });
  });

  it("keeps a sleeping run across a restart", async () => {
    const clock = manualClock();
    const counts = { before: 0, after: 0 };
    const app = await startTestApp(
      (inngest) => [
        inngest.createFunction(
          { id: "napper", triggers: [{ event: "test/nap" }] },
          async ({ step }) => {
            await step.run("before", () => {
              counts.before++;
            });
            await step.sleep("nap", "1d");
            await step.run("after", () => {
              counts.after++;
            });
          },
        ),
      ],
      { clock: clock.now },
    );
    cleanups.push(() => app.close());
    await app.inngest.send({ name: "test/nap", data: {} });
    await app.engine.idle();
    await app.engine.stop();
    clock.advance(86_400_000);
    const engine = await app.restartEngine();
    await engine.idle();
    expect(counts).toEqual({ before: 1, after: 1 });
  });

  it("keeps an open batch across a restart and runs it once its timeout passes", async () => {
    const clock = manualClock();
    const batches: number[][] = [];
    const app = await startTestApp(
      (inngest) => [
        inngest.createFunction(
          {
            id: "collector",
            batchEvents: { maxSize: 10, timeout: "10s" },
            triggers: [{ event: "test/collect" }],
          },
          async ({ events, step }) =>
            step.run("take", () => {
              batches.push(events.map((e: { data: { n: number } }) => e.data.n));
            }),
        ),
      ],
      { clock: clock.now },
    );
    cleanups.push(() => app.close());
    await app.inngest.send([1, 2, 3].map((n) => ({ name: "test/collect", data: { n } })));
    await app.engine.idle();
    await app.engine.stop();
    expect(batches).toEqual([]);

    clock.advance(10_000);
    const engine = await app.restartEngine();
    await engine.idle();
    expect(batches).toEqual([[1, 2, 3]]);
  });
});
