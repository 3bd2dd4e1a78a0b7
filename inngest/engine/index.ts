import { setMaxListeners } from "node:events";
import { FunctionRegistry } from "./apps";
import { Scheduler } from "./scheduler";
import { startServer } from "./server";
import { connect, ensureSchema } from "./store";
import { syncApp } from "./sync";

export type LocalEngineOptions = {
  /** PostgreSQL holding the engine's state, in its own schema `inngest_engine`. */
  databaseUrl: string;
  /** Defaults to 8288, the Inngest Dev Server's port; a taken port falls back to a free one. */
  port?: number;
  /** The app's serve endpoint, e.g. http://127.0.0.1:3000/api/inngest. */
  appUrl: string;
  /** When set, every request to the app is signed as Inngest Cloud signs it. */
  signingKey?: string;
  /** The key senders put in `POST /e/{key}` (INNGEST_EVENT_KEY); any other is refused with 401. */
  eventKey: string;
  /** Epoch milliseconds; drives sleeps, timeouts, retry backoff and crons. */
  clock?: () => number;
  log?: (line: string) => void;
  /** Runs driven at once. */
  concurrency?: number;
  /** How often timers are checked when nothing wakes the engine sooner. */
  pollMs?: number;
  /** How long a killed engine keeps its runs before another may take them. */
  leaseMs?: number;
  callTimeoutMs?: number;
  /** Delay before retry number `attempt + 1`. */
  backoffMs?: (attempt: number) => number;
  /** How long finished runs and seen event ids are kept; defaults to 7 days. */
  retentionMs?: number;
};

export type LocalEngine = {
  url: string;
  /**
   * Stops at once: calls in flight are abandoned and their steps run again on the next
   * start, exactly as after a crash; everything memoised stays.
   */
  stop(): Promise<void>;
  /** Syncs the app, retrying until it answers. */
  sync(): Promise<void>;
  /** Resolves when no run is being driven and none is due (for tests). */
  idle(): Promise<void>;
};

/**
 * Exponential backoff like Inngest's: about 10 s, 20 s, 40 s… capped at an hour, with
 * jitter so that runs failing together do not retry together.
 */
export function defaultBackoffMs(attempt: number): number {
  return Math.round(Math.min(10_000 * 2 ** attempt, 3_600_000) * (1 + Math.random() * 0.2));
}

const SYNC_RETRY_MAX_MS = 5_000;
const SIGNING_KEY = /^signkey-\w+-[0-9a-f]+$/i;

/**
 * Plays the Inngest server's part on one machine (see docs/decisions/0003): takes events
 * over the SDK's event API, syncs the app, and calls its functions over HTTP with
 * memoised step state kept in PostgreSQL, so a restart resumes where it stopped.
 */
export async function startLocalEngine(options: LocalEngineOptions): Promise<LocalEngine> {
  const given = options.clock ?? Date.now;
  // Times are stored as whole milliseconds.
  const clock = () => Math.floor(given());
  const log = options.log ?? ((line: string) => console.log(`[inngest-engine] ${line}`));
  const concurrency = options.concurrency ?? 8;
  if (!options.eventKey) throw new Error("eventKey is required");
  if (options.signingKey !== undefined && !SIGNING_KEY.test(options.signingKey)) {
    throw new Error("signingKey must look like signkey-<env>-<hex>");
  }
  const sql = connect(options.databaseUrl, concurrency + 4);
  const registry = new FunctionRegistry();
  try {
    await ensureSchema(sql);
    await registry.load(sql);
  } catch (error) {
    await sql.end({ timeout: 1 });
    throw error;
  }

  const aborter = new AbortController();
  // Every in-flight call listens on this one signal; dozens at once are expected.
  setMaxListeners(0, aborter.signal);
  const scheduler = new Scheduler({
    sql,
    registry,
    clock,
    log,
    signingKey: options.signingKey,
    signal: aborter.signal,
    concurrency,
    pollMs: options.pollMs ?? 200,
    leaseMs: options.leaseMs ?? 30_000,
    callTimeoutMs: options.callTimeoutMs ?? 300_000,
    retentionMs: options.retentionMs ?? 7 * 86_400_000,
    backoffMs: (attempt) => Math.ceil((options.backoffMs ?? defaultBackoffMs)(attempt)),
  });
  const server = await startServer(
    {
      sql,
      registry,
      clock,
      log,
      signingKey: options.signingKey,
      eventKey: options.eventKey,
      onWork: (batchDue) => scheduler.wake(batchDue),
      onSync: () => {
        scheduler.resetCrons();
        scheduler.wake();
      },
    },
    options.port ?? 8288,
  );
  scheduler.start();

  let stopped = false;
  const syncOnce = async () => {
    const kind = await syncApp({
      appUrl: options.appUrl,
      signingKey: options.signingKey,
      registry,
      registerInBand: async (url, functions) => {
        const { ignored } = await registry.register(sql, url, functions, clock());
        if (ignored.length > 0) log(`options the local engine ignores: ${ignored.join(", ")}`);
        scheduler.resetCrons();
        scheduler.wake();
      },
    });
    log(`synced ${options.appUrl} (${kind}); ${registry.size} functions`);
  };
  // The app may still be starting (or compiling); keep asking until it answers.
  const syncUntilUp = async () => {
    for (let delay = 100; ; delay = Math.min(delay * 2, SYNC_RETRY_MAX_MS)) {
      if (stopped) throw new Error("The engine stopped before the app could be synced");
      try {
        return await syncOnce();
      } catch (error) {
        if (delay >= SYNC_RETRY_MAX_MS)
          log(`sync of ${options.appUrl} failed: ${(error as Error).message}`);
      }
      await new Promise((resolve) => setTimeout(resolve, delay).unref());
    }
  };
  syncUntilUp().catch(() => {});
  log(`listening on ${server.url}`);

  return {
    url: server.url,
    sync: syncUntilUp,
    idle: () => scheduler.idle(),
    async stop() {
      if (stopped) return;
      stopped = true;
      aborter.abort();
      await scheduler.stop();
      await server.close();
      await sql.end({ timeout: 5 });
    },
  };
}
