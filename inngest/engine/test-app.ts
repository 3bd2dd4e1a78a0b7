import http from "node:http";
import type { AddressInfo } from "node:net";
import { Inngest, type InngestFunction } from "inngest";
import { serve } from "inngest/node";
import { connectPostgres } from "@/db/connect";
import { type LocalEngine, type LocalEngineOptions, startLocalEngine } from "./index";

/** A clock the test moves by hand, so sleeps, timeouts and backoff need no waiting. */
export function manualClock(start = Date.now()) {
  let now = start;
  return {
    now: () => now,
    advance: (ms: number) => {
      now += ms;
    },
  };
}

type Build = (inngest: Inngest) => InngestFunction.Any[];

/** The event key test engines are started with; clients that send to them use it too. */
export const TEST_EVENT_KEY = "test-event-key";

export type TestApp = {
  engine: LocalEngine;
  inngest: Inngest;
  appUrl: string;
  logs: string[];
  /** Starts a fresh engine on the same database, as after a crash or restart. */
  restartEngine(overrides?: Partial<LocalEngineOptions>): Promise<LocalEngine>;
  close(): Promise<void>;
};

/**
 * A tiny app served by the SDK's real `serve` handler on an ephemeral port, with a local
 * engine in front of it, both on the test file's own database.
 */
export async function startTestApp(
  build: Build,
  options: Partial<LocalEngineOptions> & { signingKey?: string; isDev?: boolean } = {},
): Promise<TestApp> {
  const databaseUrl = process.env.DATABASE_URL as string;
  const server = http.createServer();
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const appUrl = `http://127.0.0.1:${(server.address() as AddressInfo).port}/api/inngest`;
  const logs: string[] = [];
  const engineOptions: LocalEngineOptions = {
    databaseUrl,
    appUrl,
    eventKey: TEST_EVENT_KEY,
    port: 0,
    log: (line) => logs.push(line),
    pollMs: 20,
    ...options,
  };
  let engine = await startLocalEngine(engineOptions);
  const inngest = new Inngest({
    id: "engine-test",
    isDev: options.isDev ?? !options.signingKey,
    baseUrl: engine.url,
    signingKey: options.signingKey,
    eventKey: TEST_EVENT_KEY,
    // The functions under test throw on purpose; their stack traces are noise here.
    logger: { info: () => {}, warn: () => {}, error: () => {}, debug: () => {} },
  });
  server.on("request", serve({ client: inngest, functions: build(inngest) }));
  await engine.sync();
  return {
    get engine() {
      return engine;
    },
    inngest,
    appUrl,
    logs,
    async restartEngine(overrides = {}) {
      engine = await startLocalEngine({ ...engineOptions, ...overrides });
      await engine.sync();
      return engine;
    },
    async close() {
      await engine.stop();
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
      const sql = connectPostgres(databaseUrl, { max: 1 });
      await sql`
        truncate inngest_engine.functions, inngest_engine.events, inngest_engine.runs,
          inngest_engine.waits, inngest_engine.idempotency_keys, inngest_engine.crons`;
      await sql.end();
    },
  };
}

/** Resolves when `check` holds, polling; fails the test with `what` after `timeoutMs`. */
export async function until(
  check: () => boolean | Promise<boolean>,
  what: string,
  timeoutMs = 5_000,
) {
  const deadline = Date.now() + timeoutMs;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error(`Timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
}
