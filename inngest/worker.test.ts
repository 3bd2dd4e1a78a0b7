import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";
import { sql } from "@/db/client";
import { inngest, webhookDeliveriesDue } from "@/inngest/client";
import { type LocalEngine, startLocalEngine } from "@/inngest/engine";
import { functions } from "@/inngest/functions";
import { type FunctionWorker, startFunctionWorker } from "@/inngest/worker";
import { until } from "@/tests/fixtures/inngest-app";

const SIGNING_KEY = `signkey-test-${"5e".repeat(32)}`;

let worker: FunctionWorker;

beforeAll(async () => {
  worker = await startFunctionWorker();
});

afterAll(async () => {
  await worker.close(0);
});

describe("the function worker", () => {
  it("serves the app's functions at /api/inngest on loopback", async () => {
    inngest.setEnvVars({ INNGEST_DEV: "1" });
    expect(worker.url).toMatch(/^http:\/\/127\.0\.0\.1:\d+\/api\/inngest$/);

    const introspection = await (await fetch(worker.url)).json();
    expect(introspection).toMatchObject({ mode: "dev", function_count: functions.length });
    const health = await fetch(new URL("/health", worker.url));
    expect(health.status).toBe(200);
    expect((await fetch(new URL("/elsewhere", worker.url))).status).toBe(404);
  });
});

describe("the function worker in production mode", () => {
  let engine: LocalEngine;
  const databaseUrl = process.env.DATABASE_URL as string;

  beforeAll(async () => {
    // What `npm start` gives the worker: no dev mode, the engine's signing and event keys.
    inngest.setEnvVars({
      INNGEST_DEV: "0",
      INNGEST_SIGNING_KEY: SIGNING_KEY,
      INNGEST_EVENT_KEY: "worker-test-event-key",
    });
    engine = await startLocalEngine({
      databaseUrl,
      appUrl: worker.url,
      port: 0,
      signingKey: SIGNING_KEY,
      eventKey: "worker-test-event-key",
      pollMs: 20,
      log: () => {},
    });
    inngest.setEnvVars({ INNGEST_BASE_URL: engine.url });
    await engine.sync();
  });

  afterAll(async () => {
    await engine.stop();
    await sql()`drop schema if exists inngest_engine cascade`;
  });

  it("syncs every function with the engine through a signed in-band sync", async () => {
    const rows = await sql()<{ id: string; app_url: string }[]>`
      select id, app_url from inngest_engine.functions order by id`;
    expect(rows.map((row) => row.id)).toEqual(functions.map((fn) => fn.id(inngest.id)).sort());
    expect(new Set(rows.map((row) => row.app_url))).toEqual(new Set([worker.url]));
  });

  it("refuses a call the engine did not sign", async () => {
    // The SDK logs the refusal; expected here.
    const quiet = vi.spyOn(console, "error").mockImplementation(() => {});
    const url = `${worker.url}?fnId=disburse-deliver-webhooks&stepId=step`;
    const response = await fetch(url, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify({ event: {}, events: [], steps: {}, ctx: {} }),
    });
    expect(response.status).toBe(401);
    quiet.mockRestore();
  });

  it("runs a function when the engine calls it with a signature", async () => {
    await inngest.send(webhookDeliveriesDue.create({ reason: "worker test" }));
    await until(
      async () => {
        const url = `${engine.url}/runs?status=completed&function_id=disburse-deliver-webhooks`;
        const { runs } = (await (await fetch(url)).json()) as { runs: unknown[] };
        return runs.length > 0;
      },
      "a completed webhook delivery run",
      15_000,
    );
  });
});
