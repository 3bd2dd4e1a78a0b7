import { type ChildProcess, spawn } from "node:child_process";
import { existsSync, readFileSync } from "node:fs";
import { rm, writeFile } from "node:fs/promises";
import path from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { until } from "@/tests/fixtures/inngest-app";

/**
 * The embedded database as `npm start` opens it, in a launcher process that the tests
 * kill: under the working tree (not the system's temp directory) because PostgreSQL runs
 * as the `postgres` user when the tests run as root, and must reach its data directory.
 */
const dataDir = path.resolve(".data/launcher-restart", String(process.pid));
const lockFile = path.join(dataDir, "pg", "postmaster.pid");
const spawned = new Set<ChildProcess>();

type Ready = { notes: string[]; log: string[] };

/** Starts the launcher fixture; resolves with what it printed once the database is up. */
async function launch(note?: string): Promise<{ child: ChildProcess; ready: Ready }> {
  const args = ["--import", "tsx", "tests/fixtures/database-launcher.ts", dataDir];
  const child = spawn(process.execPath, note ? [...args, note] : args, {
    stdio: ["ignore", "pipe", "pipe"],
  });
  spawned.add(child);
  child.once("exit", () => spawned.delete(child));
  let stdout = "";
  let stderr = "";
  child.stderr?.on("data", (chunk) => {
    stderr += chunk;
  });
  const ready = await new Promise<Ready>((resolve, reject) => {
    child.stdout?.on("data", (chunk) => {
      stdout += chunk;
      if (stdout.includes("\n")) resolve(JSON.parse(stdout.slice(0, stdout.indexOf("\n"))));
    });
    child.once("exit", (code) => reject(new Error(`launcher exited (${code}): ${stderr}`)));
  });
  return { child, ready };
}

async function stop(child: ChildProcess, signal: NodeJS.Signals = "SIGTERM"): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return;
  const exited = new Promise((resolve) => child.once("exit", resolve));
  child.kill(signal);
  await exited;
}

function postmasterPid(): number {
  return Number(readFileSync(lockFile, "utf8").split("\n")[0]);
}

/** A zombie (exited, not yet reaped by its new parent) is not running. */
function isRunning(pid: number): boolean {
  try {
    process.kill(pid, 0);
  } catch {
    return false;
  }
  try {
    return !/\) Z /.test(readFileSync(`/proc/${pid}/stat`, "utf8"));
  } catch {
    return process.platform !== "linux";
  }
}

afterAll(async () => {
  for (const child of spawned) await stop(child);
  // A test that failed midway may leave a server behind.
  const leftover = existsSync(lockFile) ? postmasterPid() : 0;
  if (leftover && isRunning(leftover)) {
    process.kill(leftover, "SIGINT");
    await until(() => !isRunning(leftover), "the leftover server to stop", 30_000);
  }
  await rm(path.dirname(dataDir), { recursive: true, force: true });
});

describe("restarting the embedded database after a crash", { timeout: 60_000 }, () => {
  it("stops the PostgreSQL a SIGKILLed launcher left running, and starts again on the same data", async () => {
    const first = await launch("written before the crash");
    const orphan = postmasterPid();

    await stop(first.child, "SIGKILL");
    // The crash leaves the server running, holding the data directory.
    expect(isRunning(orphan)).toBe(true);

    const second = await launch();
    expect(second.ready.notes).toEqual(["written before the crash"]);
    expect(second.ready.log).toEqual([
      `Stopped the PostgreSQL an earlier run left on ${path.join(dataDir, "pg")} (pid ${orphan}, SIGINT)`,
    ]);
    expect(isRunning(orphan)).toBe(false);

    await stop(second.child);
  });

  it("refuses, and leaves alone, a PostgreSQL whose launcher is still running", async () => {
    const first = await launch();
    const server = postmasterPid();

    await expect(launch()).rejects.toThrow(
      `Another process (pid ${first.child.pid}) is running the embedded PostgreSQL in ${path.join(dataDir, "pg")} (pid ${server})`,
    );
    expect(isRunning(server)).toBe(true);

    await stop(first.child);
    expect(isRunning(server)).toBe(false);
  });

  it("starts over a postmaster.pid naming another program's process, or torn by a crash", async () => {
    // PostgreSQL alone refuses a lock file whose pid is alive, whatever runs there.
    const bystander = spawn(process.execPath, ["-e", "setTimeout(() => {}, 60_000)"]);
    spawned.add(bystander);
    await writeFile(lockFile, `${bystander.pid}\n${path.join(dataDir, "pg")}\n1\n54329\n`);

    const afterReuse = await launch("after a reused pid");
    expect(afterReuse.ready.log).toEqual([
      expect.stringMatching(/^Removed a stale postmaster\.pid .* as pid \d+\)$/),
    ]);
    expect(afterReuse.ready.notes).toEqual(["after a reused pid", "written before the crash"]);
    expect(isRunning(bystander.pid as number)).toBe(true);
    await stop(afterReuse.child);
    await stop(bystander);

    await writeFile(lockFile, "");
    const afterTear = await launch();
    expect(afterTear.ready.log).toEqual([
      expect.stringMatching(/^Removed a stale postmaster\.pid/),
    ]);
    expect(afterTear.ready.notes).toHaveLength(2);
    await stop(afterTear.child);
  });
});

describe("the embedded database and the process's end", { timeout: 60_000 }, () => {
  it("leaves a process's exit code alone (a failed test run must not end with 0)", async () => {
    const child = spawn(
      process.execPath,
      ["--import", "tsx", "tests/fixtures/embedded-exit-code.ts", path.join(dataDir, "exit-code")],
      { stdio: "ignore" },
    );
    spawned.add(child);
    const code = await new Promise((resolve) => child.once("exit", resolve));
    expect(code).toBe(3);
  });
});
