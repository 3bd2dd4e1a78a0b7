/**
 * What every HTTP benchmark shares: the production build, a throwaway embedded
 * PostgreSQL, and the app started the way users start it (`npm start`), stopped with
 * everything it started when the benchmark ends.
 */
import { type ChildProcess, spawn, spawnSync } from "node:child_process";
import { existsSync } from "node:fs";
import { rm } from "node:fs/promises";
import net from "node:net";
import os from "node:os";
import path from "node:path";
import { startEmbeddedPostgres } from "@/db/embedded";
import { runMigrations } from "@/db/migrate";

export const say = (line: string) => process.stdout.write(`${line}\n`);

export function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)] as number;
}

export const loadAverage = () => os.loadavg()[0]?.toFixed(1) ?? "?";

export function machineLine(): string {
  const cpus = os.cpus();
  const load = os
    .loadavg()
    .map((l) => l.toFixed(1))
    .join(" ");
  return `machine: ${cpus.length} CPU (${cpus[0]?.model ?? "?"}), load average ${load}`;
}

export async function freePort(): Promise<number> {
  return new Promise((resolve) => {
    const server = net.createServer();
    server.listen(0, "127.0.0.1", () => {
      const address = server.address();
      server.close(() => resolve(typeof address === "object" && address ? address.port : 0));
    });
  });
}

export async function waitFor(
  what: string,
  check: () => Promise<boolean>,
  timeoutMs = 15 * 60_000,
): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

/** `next build` when there is no build yet, or always with `--build`. */
export function ensureBuild(): void {
  const root = process.cwd();
  if (!process.argv.includes("--build") && existsSync(path.join(root, ".next/BUILD_ID"))) return;
  say("… next build");
  const built = spawnSync(process.execPath, ["node_modules/next/dist/bin/next", "build"], {
    stdio: "inherit",
  });
  if (built.status !== 0) throw new Error("next build failed");
}

export type BenchApp = {
  base: string;
  databaseUrl: string;
  dataDir: string;
  server: ChildProcess;
  stop: () => Promise<void>;
};

/**
 * A fresh, migrated embedded PostgreSQL under `.data/<name>` and `npm start` on a free
 * port against it, answered once `/api/health` is healthy. `host` is the name in the
 * app's URL (the claim cookie is scoped to it); `env` adds settings for this benchmark;
 * `beforeStart` runs on the migrated database before the app starts, so nothing of the
 * app (its sweeps, its worker) sees or competes with what it does.
 */
export async function startBenchApp(
  name: string,
  options: {
    host?: string;
    env?: Record<string, string>;
    beforeStart?: (databaseUrl: string, dataDir: string) => Promise<void>;
  } = {},
): Promise<BenchApp> {
  ensureBuild();
  const dataDir = path.join(process.cwd(), ".data", name);
  await rm(dataDir, { recursive: true, force: true });
  const pg = await startEmbeddedPostgres({ dataDir: path.join(dataDir, "pg"), persistent: false });
  await runMigrations(pg.url);
  try {
    await options.beforeStart?.(pg.url, dataDir);
  } catch (error) {
    await pg.stop().catch(() => {});
    throw error;
  }
  const port = await freePort();
  const base = `http://${options.host ?? "127.0.0.1"}:${port}`;

  say(`… npm start on ${base}`);
  const server = spawn("npm", ["start"], {
    detached: true,
    stdio: ["ignore", "ignore", "inherit"],
    env: {
      ...process.env,
      PORT: String(port),
      DATABASE_URL: pg.url,
      DATA_DIR: dataDir,
      APP_URL: base,
      ...options.env,
    },
  });
  const stop = async () => {
    if (server.pid && server.exitCode === null) {
      const exited = new Promise((r) => server.once("exit", r));
      try {
        // npm start runs the launcher, which stops Next, the engine, the function worker
        // and nothing else.
        process.kill(-server.pid, "SIGTERM");
        await exited;
      } catch {
        // already gone
      }
    }
    await pg.stop().catch(() => {});
    await rm(dataDir, { recursive: true, force: true });
  };
  try {
    await waitFor(
      "a healthy app",
      async () => {
        if (server.exitCode !== null) throw new Error("npm start exited before becoming healthy");
        try {
          return (await fetch(`${base}/api/health`)).ok;
        } catch {
          return false;
        }
      },
      180_000,
    );
  } catch (error) {
    await stop();
    throw error;
  }
  return { base, databaseUrl: pg.url, dataDir, server, stop };
}

/** Runs a benchmark's main, printing a failure the way a person reads it. */
export function runBench(main: () => Promise<void>): void {
  main().catch((error: unknown) => {
    const cause = error instanceof Error && error.cause instanceof Error ? error.cause : undefined;
    process.stderr.write(
      `✗ ${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n${cause ? `  caused by: ${cause.message}\n` : ""}`,
    );
    process.exit(1);
  });
}
