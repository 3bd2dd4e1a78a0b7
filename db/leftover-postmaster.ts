import { execFileSync } from "node:child_process";
import { readFileSync, rmSync } from "node:fs";
import path from "node:path";

/**
 * postmaster.pid names the server that holds a data directory on its first line (then
 * its data directory, start time and port). An empty or torn file (a crash while it was
 * written) names none.
 */
export type PostmasterLock = { pid: number | null };

type ProcessInfo = { command: string; parentPid: number };

const LOCK_FILE = "postmaster.pid";
/** A fast shutdown ends sessions and writes a checkpoint; past this something is stuck. */
const FAST_SHUTDOWN_MS = 30_000;
const LAST_RESORT_MS = 5_000;

export function readPostmasterLock(dataDir: string): PostmasterLock | null {
  let text: string;
  try {
    text = readFileSync(path.join(dataDir, LOCK_FILE), "utf8");
  } catch {
    return null;
  }
  const pid = Number(text.split("\n")[0]);
  return { pid: Number.isInteger(pid) && pid > 0 ? pid : null };
}

/**
 * Makes `dataDir` free for a new postmaster when an earlier run left it held: the
 * launcher's postgres survives a SIGKILL of the launcher (it is a child, not a thread),
 * and its postmaster.pid then makes every later start fail. A lock whose process is gone,
 * or whose pid now belongs to some other program, is removed (PostgreSQL itself refuses
 * to start when that pid is alive, whatever it runs). A live postmaster of this very data
 * directory is stopped with a fast shutdown (SIGINT), then SIGQUIT, then SIGKILL — unless
 * the process that started it is still running, which means another launcher, a
 * migration or a test is using it right now: that is refused, never killed.
 *
 * It is stopped rather than adopted: its log went to the dead launcher's pipe and its
 * flags and port were the earlier run's; a fast shutdown costs about a second and leaves
 * the same state as a clean stop.
 *
 * Returns a line for the console when it did something.
 */
export async function clearLeftoverPostmaster(dataDir: string): Promise<string | null> {
  const lock = readPostmasterLock(dataDir);
  if (!lock) return null;
  const { pid } = lock;
  const owner = pid === null ? null : ownPostmaster(pid, dataDir);
  if (owner === undefined) return null; // cannot tell on this system: PostgreSQL decides
  if (owner === null || pid === null) {
    rmSync(path.join(dataDir, LOCK_FILE), { force: true });
    return `Removed a stale ${LOCK_FILE} from ${dataDir} (no PostgreSQL runs there as pid ${pid ?? "?"})`;
  }
  const parent = inspectProcess(owner.parentPid);
  if (parent && isNode(parent.command)) {
    throw new Error(
      `Another process (pid ${owner.parentPid}) is running the embedded PostgreSQL in ${dataDir} (pid ${pid}); stop it first or set DATA_DIR to another directory`,
    );
  }
  for (const [signal, waitMs] of [
    ["SIGINT", FAST_SHUTDOWN_MS],
    ["SIGQUIT", LAST_RESORT_MS],
    ["SIGKILL", LAST_RESORT_MS],
  ] as const) {
    signalProcess(pid, signal);
    if (await gone(pid, dataDir, waitMs)) {
      // After SIGKILL the file stays behind; a clean or immediate shutdown removes it.
      rmSync(path.join(dataDir, LOCK_FILE), { force: true });
      return `Stopped the PostgreSQL an earlier run left on ${dataDir} (pid ${pid}, ${signal})`;
    }
  }
  throw new Error(`PostgreSQL (pid ${pid}) left by an earlier run on ${dataDir} does not stop`);
}

/**
 * The postmaster for `dataDir` when `pid` is one; null when it is not (or is gone);
 * undefined when this system does not say.
 */
function ownPostmaster(pid: number, dataDir: string): ProcessInfo | null | undefined {
  let info: ProcessInfo | null;
  try {
    info = inspectProcess(pid);
  } catch {
    return undefined;
  }
  if (!info) return null;
  const [program] = info.command.split(" ");
  const flag = `-D ${path.resolve(dataDir)}`;
  const servesDir = info.command.includes(`${flag} `) || info.command.endsWith(flag);
  return path.basename(program ?? "") === "postgres" && servesDir ? info : null;
}

/**
 * A live process's command line and parent; null when there is none (a zombie counts as
 * none). Linux answers from /proc (slim containers have no `ps`); elsewhere `ps` does.
 */
function inspectProcess(pid: number): ProcessInfo | null {
  if (process.platform === "linux") {
    let stat: string;
    let cmdline: string;
    try {
      stat = readFileSync(`/proc/${pid}/stat`, "utf8");
      cmdline = readFileSync(`/proc/${pid}/cmdline`, "utf8");
    } catch {
      return null;
    }
    // "pid (comm) state ppid …": comm may hold spaces and parentheses.
    const [state, parentPid] = stat.slice(stat.lastIndexOf(")") + 2).split(" ");
    if (state === "Z" || !cmdline) return null;
    return {
      command: cmdline.replace(/\0+$/, "").replaceAll("\0", " "),
      parentPid: Number(parentPid),
    };
  }
  let line: string;
  try {
    line = execFileSync("ps", ["-ww", "-o", "ppid=,stat=,command=", "-p", String(pid)], {
      encoding: "utf8",
    }).trim();
  } catch (error) {
    // ps exits 1 when no such process exists; a missing ps is "cannot tell".
    if ((error as { status?: number }).status === 1) return null;
    throw error;
  }
  const match = /^(\d+)\s+(\S+)\s+(.*)$/.exec(line);
  if (!match || match[2]?.startsWith("Z")) return null;
  return { command: match[3] ?? "", parentPid: Number(match[1]) };
}

function isNode(command: string): boolean {
  const program = command.split(" ")[0] ?? "";
  return program === process.execPath || /^node(js)?(\d+)?$/.test(path.basename(program));
}

function signalProcess(pid: number, signal: NodeJS.Signals): void {
  try {
    process.kill(pid, signal);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== "ESRCH") throw error;
  }
}

async function gone(pid: number, dataDir: string, waitMs: number): Promise<boolean> {
  const deadline = Date.now() + waitMs;
  while (Date.now() < deadline) {
    if (!ownPostmaster(pid, dataDir)) return true;
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  return !ownPostmaster(pid, dataDir);
}
