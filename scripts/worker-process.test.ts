import { afterEach, describe, expect, it } from "vitest";
import { until } from "@/tests/fixtures/inngest-app";
import { type WorkerProcess, type WorkerProcessOptions, workerProcess } from "./worker-process";

/** What the launcher hands the worker under `npm run dev`, minus the engine. */
const env = () => ({
  ...process.env,
  NODE_ENV: "development" as const,
  INNGEST_DEV: "1",
  AUTH_SECRET: "worker-process-secret-worker-process-secret-01",
});

const alive = (pid: number) => {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
};

let started: WorkerProcess | undefined;

afterEach(async () => {
  await started?.stop();
  started = undefined;
});

async function startWorker(options: Partial<WorkerProcessOptions> = {}) {
  started = await workerProcess({ say: () => {}, log: () => {}, onCrash: () => {}, ...options });
  return started;
}

describe("the function worker as the launcher runs it", { timeout: 60_000 }, () => {
  it("serves the functions on a free loopback port until the launcher stops it", async () => {
    const worker = await startWorker();
    await worker.start(env());
    const pid = worker.pid() as number;

    const introspection = await (await fetch(worker.url)).json();
    expect(introspection).toMatchObject({ mode: "dev", function_count: expect.any(Number) });

    await worker.stop();
    expect(alive(pid)).toBe(false);
  });

  it("reports a worker that dies on its own as a crash", async () => {
    const crashes: number[] = [];
    const worker = await startWorker({ onCrash: (code) => crashes.push(code) });
    await worker.start(env());

    process.kill(worker.pid() as number, "SIGKILL");
    await until(() => crashes.length > 0, "the crash to be reported", 10_000);
    expect(crashes).toEqual([1]);
  });

  it("fails the start of a worker that exits before it is ready", async () => {
    const crashes: number[] = [];
    const worker = await startWorker({ onCrash: (code) => crashes.push(code) });
    // An invalid setting stops the worker at start-up, as it stops the launcher.
    const start = worker.start({ ...env(), LOG_LEVEL: "loud" });

    await expect(start).rejects.toThrow(/exited before it was ready \(code 2\)/);
    expect(crashes).toEqual([]);
  });
});
