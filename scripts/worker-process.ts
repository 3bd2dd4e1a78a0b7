import { type ChildProcess, spawn } from "node:child_process";
import { watch } from "node:fs";
import { type AddressInfo, createServer } from "node:net";
import path from "node:path";
import { rerunnable } from "@/inngest/engine/rerunnable";

export type WorkerProcessOptions = {
  /** WORKER_PORT; a free port when unset. */
  port?: number;
  /** Lines for the console (a worker that died, one that did not start). */
  say: (line: string) => void;
  /** Debug lines. */
  log: (line: string) => void;
  /** The worker died on its own after it had started. */
  onCrash: (code: number) => void;
  /**
   * `npm run dev`: restart the worker when a file it may load changes, then `onRestart`
   * (the engine re-syncs, since a function's triggers or options may have changed).
   */
  watch?: { onRestart: () => Promise<void> };
};

export type WorkerProcess = {
  /** Where the engine calls the functions: http://127.0.0.1:{port}/api/inngest. */
  url: string;
  pid(): number | undefined;
  /** Spawns the worker with `env` and resolves once it answers its health check. */
  start(env: NodeJS.ProcessEnv): Promise<void>;
  stop(): Promise<void>;
};

/** What the worker imports; the engine (inngest/engine) runs in the launcher instead. */
const SOURCES = ["inngest", "lib", "db", "i18n", "messages"];
const ENTRY = "scripts/worker.ts";
/** The path inngest/worker.ts serves (as Next.js does); importing it would load every function here. */
const SERVE_PATH = "/api/inngest";
const STOP_GRACE_MS = 15_000;

/**
 * The function worker (scripts/worker.ts) as the launcher runs it: a child process with
 * the app's environment and an IPC channel (so that it exits if the launcher dies), on a
 * port chosen before the engine starts, so the engine knows where to call from the start.
 */
export async function workerProcess(options: WorkerProcessOptions): Promise<WorkerProcess> {
  const port = options.port ?? (await freePort());
  const url = `http://127.0.0.1:${port}${SERVE_PATH}`;
  let env: NodeJS.ProcessEnv = process.env;
  let child: ChildProcess | undefined;
  let watcher: { close(): void } | undefined;
  let stopped = false;

  /** Spawns the worker; `ready` resolves once it answers its health check. */
  const launch = (): { ready: Promise<void> } => {
    const started = spawn(process.execPath, ["--import", "tsx", path.resolve(ENTRY)], {
      env: { ...env, WORKER_PORT: String(port) },
      stdio: ["ignore", "inherit", "inherit", "ipc"],
    });
    child = started;
    let healthy = false;
    started.once("exit", (code, signal) => {
      // Exits we asked for (a stop, a restart) are not crashes; one before it was ready
      // rejects `ready` instead.
      if (child !== started || stopped) return;
      child = undefined;
      options.log(`function worker exited (${signal ?? `code ${code}`})`);
      if (healthy) options.onCrash(code ?? 1);
    });
    const ready = untilHealthy(started).then(() => {
      healthy = true;
      options.log(`function worker ready at ${url}, pid ${started.pid}`);
    });
    return { ready };
  };

  const untilHealthy = async (worker: ChildProcess): Promise<void> => {
    const health = `http://127.0.0.1:${port}/health`;
    const deadline = Date.now() + 60_000;
    while (Date.now() < deadline) {
      if (worker.exitCode !== null || worker.signalCode !== null) {
        const how = worker.signalCode ?? `code ${worker.exitCode}`;
        throw new Error(`The function worker exited before it was ready (${how})`);
      }
      try {
        if ((await fetch(health)).ok) return;
      } catch {
        // not listening yet
      }
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
    throw new Error(`The function worker did not answer at ${health} within a minute`);
  };

  const stopChild = async () => {
    const current = child;
    child = undefined;
    if (!current || current.exitCode !== null || current.signalCode !== null) return;
    const exited = new Promise((resolve) => current.once("exit", resolve));
    current.kill("SIGTERM");
    // The worker gives calls in flight 10 s; past that something is stuck.
    const kill = setTimeout(() => current.kill("SIGKILL"), STOP_GRACE_MS);
    await exited;
    clearTimeout(kill);
  };

  const restarts = rerunnable(async () => {
    await stopChild();
    if (stopped) return;
    try {
      await launch().ready;
      await options.watch?.onRestart();
      options.log("function worker restarted after a source change; engine re-synced");
    } catch (error) {
      options.say(`✗ ${(error as Error).message}; the worker restarts on the next source change`);
    }
  });

  const watchSources = (): { close(): void } => {
    let timer: NodeJS.Timeout | undefined;
    const watchers = SOURCES.map((dir) =>
      watch(path.resolve(dir), { recursive: true }, (_event, file) => {
        const name = String(file ?? "");
        if (!/\.(ts|tsx|json)$/.test(name) || name.endsWith(".test.ts")) return;
        if (dir === "inngest" && name.startsWith("engine")) return;
        clearTimeout(timer);
        timer = setTimeout(() => void restarts.run(), 300);
      }),
    );
    return {
      close() {
        clearTimeout(timer);
        for (const w of watchers) w.close();
      },
    };
  };

  return {
    url,
    pid: () => child?.pid,
    async start(given) {
      env = given;
      await launch().ready;
      if (options.watch) watcher = watchSources();
    },
    async stop() {
      stopped = true;
      watcher?.close();
      // A restart under way finishes launching first, so no worker is left behind.
      await restarts.running;
      await stopChild();
    },
  };
}

/** A port free on 127.0.0.1 right now, for the worker to listen on next. */
async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once("error", reject);
    server.listen(0, "127.0.0.1", () => {
      const { port } = server.address() as AddressInfo;
      server.close(() => resolve(port));
    });
  });
}
