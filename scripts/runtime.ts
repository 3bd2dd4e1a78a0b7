import type { ChildProcess } from "node:child_process";
import { existsSync, readFileSync, writeFileSync } from "node:fs";
import { createServer } from "node:net";
import path from "node:path";
import { runMigrations } from "@/db/migrate";
import type { LocalEngine } from "@/inngest/engine";
import { ConfigError, parseConfig } from "@/lib/config";
import { openDatabase } from "./database";
import {
  localSecret,
  makeAuthSecret,
  makeEventKey,
  makeSigningKey,
  makeTaxIdKeys,
} from "./local-secrets";
import { spawnTiedChild } from "./tied-child";
import { type WorkerProcess, workerProcess } from "./worker-process";

type Command = "dev" | "start";
type DemoCredentials = { adminEmail: string; apiKey: string; claimUrls: string[] };

const say = (line: string) => process.stdout.write(`${line}\n`);

/**
 * Brings the whole product up on one machine: database (embedded unless
 * DATABASE_URL), migrations, demo seed, background engine (the local one and its function
 * worker unless an Inngest server is configured) and Next.js, and takes them down in
 * reverse order.
 */
export async function run(command: Command): Promise<void> {
  let config: ReturnType<typeof parseConfig>;
  try {
    config = parseConfig({
      ...process.env,
      NODE_ENV: command === "dev" ? "development" : "production",
      DEV_MAILBOX: process.env.DEV_MAILBOX ?? (command === "dev" ? "1" : "0"),
    });
  } catch (error) {
    if (error instanceof ConfigError) fail(error.message);
    throw error;
  }

  const stops: Array<() => Promise<void>> = [];
  let next: ChildProcess | undefined;
  let stopping = false;
  const shutdown = async (code: number) => {
    if (stopping) return;
    stopping = true;
    next?.kill("SIGTERM");
    if (next && next.exitCode === null) await new Promise((r) => next?.once("exit", r));
    for (const stop of stops.reverse()) await stop().catch(() => {});
    process.exit(code);
  };
  process.on("SIGINT", () => void shutdown(0));
  process.on("SIGTERM", () => void shutdown(0));

  try {
    await assertPortFree(config.PORT);
    const database = await openDatabase(config, (line) => say(`✓ ${line}`));
    stops.push(database.stop);
    say(
      database.embedded
        ? `✓ Embedded PostgreSQL on ${redact(database.url)}`
        : "✓ PostgreSQL from DATABASE_URL",
    );
    process.env.DATABASE_URL = database.url;

    await runMigrations(database.url);
    say("✓ Migrations applied");

    const authSecret =
      config.AUTH_SECRET ?? localSecret(config.DATA_DIR, "auth-secret", makeAuthSecret);
    process.env.AUTH_SECRET = authSecret;
    const taxIdKeys =
      config.TAX_ID_KEYS ?? localSecret(config.DATA_DIR, "tax-id-keys", makeTaxIdKeys);
    process.env.TAX_ID_KEYS = taxIdKeys;
    const appUrl = config.APP_URL ?? `http://localhost:${config.PORT}`;
    process.env.APP_URL = appUrl;

    const demo = seedsDemo(config, database) ? await seed(config.DATA_DIR, appUrl) : null;

    const background = await startBackgroundEngine(command, config, database.url, stops, {
      onWorkerCrash: (code) => {
        // A signal to the whole process group (a supervisor's stop) reaches it too.
        if (stopping) return;
        say(`✗ The function worker exited (code ${code})`);
        void shutdown(code);
      },
    });

    // Next.js and the function worker run the same app code, so they get the same env.
    const env = {
      ...process.env,
      ...background.env,
      DATABASE_URL: database.url,
      AUTH_SECRET: authSecret,
      TAX_ID_KEYS: taxIdKeys,
      APP_URL: appUrl,
      PORT: String(config.PORT),
      DEV_MAILBOX: config.DEV_MAILBOX ? "1" : "0",
      AUTH_TRUST_HOST: "true",
      NEXT_TELEMETRY_DISABLED: "1",
    };
    const workerReady = background.worker?.start({
      ...env,
      NODE_ENV: command === "dev" ? "development" : "production",
    });
    const nextBin = path.resolve("node_modules/next/dist/bin/next");
    next = spawnTiedChild([nextBin, command, "--port", String(config.PORT)], env);
    next.once("exit", (code) => void shutdown(code ?? 1));

    await Promise.all([workerReady, waitForHealth(`http://127.0.0.1:${config.PORT}/api/health`)]);
    await background.sync();
    banner(appUrl, demo, config.DEV_MAILBOX, background.label);
  } catch (error) {
    process.stderr.write(`✗ ${error instanceof Error ? error.message : String(error)}\n`);
    await shutdown(1);
  }
}

type BackgroundEngine = {
  /** The Inngest SDK's variables for Next.js and the worker. */
  env: Record<string, string>;
  /** The function worker, when the local engine calls functions there. */
  worker?: WorkerProcess;
  /** Syncs the functions with the local engine once they are served; a no-op otherwise. */
  sync(): Promise<void>;
  /** Where events go and where functions run, for the banner. */
  label: string;
};

/**
 * Whether the launcher seeds the demo organisation (its admin login, test API key and
 * claim links): on the embedded database of a first run, or when SEED_DEMO asks. A
 * database of one's own (DATABASE_URL) gets none unless asked, and SEED_DEMO=0 keeps
 * even the embedded one empty.
 */
export function seedsDemo(
  config: Pick<ReturnType<typeof parseConfig>, "SEED_DEMO">,
  database: { embedded: boolean },
): boolean {
  return config.SEED_DEMO ?? database.embedded;
}

/**
 * The Inngest server the environment names, or null for the local engine: a server URL
 * (self-hosted, a Dev Server), or both keys of an Inngest environment and no URL, which
 * is how the SDK reaches Inngest Cloud. Either key alone is for the local engine.
 */
export function configuredInngestServer(
  config: Pick<
    ReturnType<typeof parseConfig>,
    "INNGEST_BASE_URL" | "INNGEST_DEV" | "INNGEST_SIGNING_KEY" | "INNGEST_EVENT_KEY"
  >,
): string | null {
  if (config.INNGEST_BASE_URL) return `Inngest server at ${config.INNGEST_BASE_URL}`;
  if (config.INNGEST_DEV) return `Inngest Dev Server at ${config.INNGEST_DEV}`;
  if (config.INNGEST_SIGNING_KEY && config.INNGEST_EVENT_KEY) return "Inngest Cloud";
  return null;
}

/**
 * An Inngest server configured by the environment (Cloud, self-hosted, a Dev Server) calls
 * the functions at Next.js's /api/inngest, since only that is reachable from outside.
 * Otherwise the local engine calls them in the function worker, a process of their own,
 * so background batches do not share an event loop with the API (decision 0009).
 */
async function startBackgroundEngine(
  command: Command,
  config: ReturnType<typeof parseConfig>,
  databaseUrl: string,
  stops: Array<() => Promise<void>>,
  hooks: { onWorkerCrash: (code: number) => void },
): Promise<BackgroundEngine> {
  const server = configuredInngestServer(config);
  if (server) {
    return {
      env: {},
      sync: async () => {},
      label: `${server}; functions run in Next.js at /api/inngest`,
    };
  }
  const { startLocalEngine } = await import("@/inngest/engine");
  const debug = (prefix: string) => (line: string) => {
    if (config.LOG_LEVEL === "debug") say(`[${prefix}] ${line}`);
  };
  const signingKey =
    config.INNGEST_SIGNING_KEY ??
    localSecret(config.DATA_DIR, "inngest-signing-key", makeSigningKey);
  const eventKey =
    config.INNGEST_EVENT_KEY ?? localSecret(config.DATA_DIR, "inngest-event-key", makeEventKey);

  if (config.WORKER_PORT) await assertPortFree(config.WORKER_PORT, "WORKER_PORT");
  let engine: LocalEngine | undefined;
  const worker = await workerProcess({
    port: config.WORKER_PORT,
    say,
    log: debug("worker"),
    onCrash: hooks.onWorkerCrash,
    watch: command === "dev" ? { onRestart: async () => engine?.sync() } : undefined,
  });
  // Registered before the engine's stop, so it runs after it: the engine stops calling
  // first, then the worker finishes the calls it has, then the database goes.
  stops.push(worker.stop);
  engine = await startLocalEngine({
    databaseUrl,
    appUrl: worker.url,
    signingKey,
    eventKey,
    log: debug("engine"),
  });
  stops.push(engine.stop);
  const env: Record<string, string> = {
    INNGEST_BASE_URL: engine.url,
    INNGEST_EVENT_KEY: eventKey,
    INNGEST_SIGNING_KEY: signingKey,
  };
  // In dev the SDK talks to a "Dev Server"; in production it verifies every call's signature.
  if (command === "dev") env.INNGEST_DEV = engine.url;
  const running = engine;
  return {
    env,
    worker,
    async sync() {
      await running.sync();
      debug("engine")(`functions run in the worker process (pid ${worker.pid()}) at ${worker.url}`);
      // Submissions a crash interrupted resume now, not at the next minute's sweep.
      await fetch(`${running.url}/e/${eventKey}`, {
        method: "POST",
        headers: { "content-type": "application/json" },
        body: JSON.stringify([
          { name: "disburse/app.started", data: { at: new Date().toISOString() } },
        ]),
      }).catch((error) => debug("engine")(`app.started not sent: ${(error as Error).message}`));
    },
    label: `local engine at ${engine.url} (no Inngest server configured); functions run in the worker process at ${worker.url}`,
  };
}

async function seed(dataDir: string, appUrl: string): Promise<DemoCredentials | null> {
  const { seedDemoOrganisation } = await import("@/lib/demo/seed");
  const file = path.join(dataDir, "demo.json");
  const result = await seedDemoOrganisation();
  let demo: DemoCredentials | null = null;
  if (result.created) {
    say("✓ Demo organisation “Acme Creators” seeded");
    demo = result.credentials;
  } else if (existsSync(file)) {
    demo = JSON.parse(readFileSync(file, "utf8")) as DemoCredentials;
  }
  if (!demo) return null;
  // The links were minted under whatever origin the first start had; show today's.
  const current = {
    ...demo,
    claimUrls: demo.claimUrls.map((url) => `${appUrl}${new URL(url).pathname}`),
  };
  writeFileSync(file, JSON.stringify(current, null, 2), { mode: 0o600 });
  return current;
}

async function waitForHealth(url: string): Promise<void> {
  const deadline = Date.now() + 180_000;
  while (Date.now() < deadline) {
    try {
      const response = await fetch(url);
      if (response.ok) return;
    } catch {
      // not listening yet
    }
    await new Promise((r) => setTimeout(r, 500));
  }
  throw new Error(`The app did not become healthy at ${url} within 3 minutes`);
}

function banner(appUrl: string, demo: DemoCredentials | null, devMailbox: boolean, engine: string) {
  const lines = [
    "",
    `Disburse is running at ${appUrl}`,
    `  Background jobs: ${engine}`,
    `  API reference:   ${appUrl}/docs/api`,
  ];
  if (devMailbox) lines.push(`  Dev mailbox:     ${appUrl}/dev/mailbox`);
  if (demo) {
    const link = devMailbox
      ? "the sign-in link arrives in the dev mailbox"
      : "the sign-in link is sent through SMTP_URL; with DEV_MAILBOX=1 it shows at /dev/mailbox";
    lines.push(
      "",
      "Demo organisation “Acme Creators” (test mode)",
      `  Admin login:     ${demo.adminEmail} at ${appUrl}/login (${link})`,
      `  Test API key:    ${demo.apiKey}`,
      "  Claim links:",
      ...demo.claimUrls.map((u) => `    ${u}`),
    );
  }
  say(lines.join("\n"));
}

async function assertPortFree(port: number, variable = "PORT"): Promise<void> {
  const free = await new Promise<boolean>((resolve) => {
    const server = createServer();
    server.once("error", () => resolve(false));
    server.listen(port, () => server.close(() => resolve(true)));
  });
  if (!free)
    throw new Error(`Port ${port} is already in use; stop that process or set ${variable}`);
}

function redact(url: string): string {
  const u = new URL(url);
  if (u.password) u.password = "***";
  return u.toString();
}

function fail(message: string): never {
  process.stderr.write(`✗ ${message}\n`);
  process.exit(1);
}
