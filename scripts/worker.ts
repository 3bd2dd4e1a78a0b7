/**
 * The function worker: `tsx scripts/worker.ts`, started by the launcher next to Next.js
 * whenever the local engine plays the Inngest server (decision 0009). Listens on
 * 127.0.0.1:WORKER_PORT (a free port when unset) and prints nothing unless LOG_LEVEL=debug.
 */
import { closeDb } from "@/db/client";
import { startFunctionWorker } from "@/inngest/worker";
import { ConfigError, config } from "@/lib/config";

let settings: ReturnType<typeof config>;
try {
  settings = config();
} catch (error) {
  if (!(error instanceof ConfigError)) throw error;
  process.stderr.write(`✗ worker: ${error.message}\n`);
  process.exit(2);
}

const worker = await startFunctionWorker({ port: settings.WORKER_PORT });
if (settings.LOG_LEVEL === "debug") process.stdout.write(`[worker] serving ${worker.url}\n`);

let stopping = false;
const stop = async () => {
  if (stopping) return;
  stopping = true;
  await worker.close();
  await closeDb();
  process.exit(0);
};
process.once("SIGTERM", () => void stop());
// Under the launcher (an IPC channel), Ctrl-C reaches this process too, but the launcher
// stops the engine before it stops us, so that the engine's calls are not refused midway;
// if the launcher itself dies the channel closes and we go with it.
if (process.send) {
  process.on("SIGINT", () => {});
  process.once("disconnect", () => void stop());
} else {
  process.once("SIGINT", () => void stop());
}
