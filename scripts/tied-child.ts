import { type ChildProcess, spawn } from "node:child_process";
import path from "node:path";

/**
 * A Node.js child of the launcher that stops (SIGTERM) when the launcher dies, even by
 * SIGKILL, through the IPC channel it is given: scripts/exit-with-launcher.cjs, preloaded,
 * listens for that channel to close. For a program that cannot listen itself (Next.js).
 */
export function spawnTiedChild(args: string[], env: NodeJS.ProcessEnv): ChildProcess {
  const preload = path.resolve("scripts/exit-with-launcher.cjs");
  return spawn(process.execPath, ["--require", preload, ...args], {
    env,
    stdio: ["ignore", "inherit", "inherit", "ipc"],
  });
}
