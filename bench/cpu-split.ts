/**
 * CPU time by part of the running product, read from /proc (Linux only), so a benchmark
 * can say where a request's cost went: the web process, PostgreSQL, the function worker,
 * the launcher with the local engine, and the benchmark's own load generator.
 *
 * Only the benchmark's own processes count: PostgreSQL is the postmaster of the
 * benchmark's data directory and its children, the app is the `npm start` process tree.
 * Other PostgreSQL servers and Node processes on a shared machine are left out.
 */
import { readdirSync, readFileSync } from "node:fs";
import path from "node:path";

const ROLES = ["next-server", "postgres", "worker", "engine", "load generator"] as const;
type Role = (typeof ROLES)[number];

/** Linux's USER_HZ: /proc reports CPU time in hundredths of a second. */
const MS_PER_TICK = 10;

/** The processes a snapshot counts: the app's `npm start` and its PostgreSQL. */
export type CpuRoots = { appPid?: number; dataDir: string };

type Proc = { pid: number; ppid: number; command: string; cmdline: string; ms: number };

function processes(): Proc[] | null {
  let pids: string[];
  try {
    pids = readdirSync("/proc").filter((entry) => /^\d+$/.test(entry));
  } catch {
    return null;
  }
  const found: Proc[] = [];
  for (const pid of pids) {
    try {
      const stat = readFileSync(`/proc/${pid}/stat`, "utf8");
      const command = stat.slice(stat.indexOf("(") + 1, stat.lastIndexOf(")"));
      const cmdline = readFileSync(`/proc/${pid}/cmdline`, "utf8").replaceAll("\0", " ");
      // Fields after the command: state is the first, ppid the second, utime the 12th,
      // stime the 13th.
      const fields = stat.slice(stat.lastIndexOf(")") + 2).split(" ");
      const ticks = Number(fields[11]) + Number(fields[12]);
      found.push({
        pid: Number(pid),
        ppid: Number(fields[1]),
        command,
        cmdline,
        ms: ticks * MS_PER_TICK,
      });
    } catch {
      // The process ended between the listing and the read.
    }
  }
  return found;
}

function postmasterPid(dataDir: string): number | null {
  try {
    const first = readFileSync(path.join(dataDir, "pg", "postmaster.pid"), "utf8").split("\n")[0];
    return Number(first) || null;
  } catch {
    return null;
  }
}

function appRole(proc: Proc): Role {
  if (proc.command.startsWith("next-server") || proc.cmdline.startsWith("next-server")) {
    return "next-server";
  }
  if (proc.cmdline.includes("scripts/worker.ts")) return "worker";
  // The launcher (scripts/start.ts) runs the local engine in-process; npm itself idles.
  return "engine";
}

export type CpuSnapshot = Map<Role, number>;

/** Milliseconds of CPU each role's live processes have used so far; null off Linux. */
export function cpuSnapshot(roots: CpuRoots): CpuSnapshot | null {
  const procs = processes();
  if (!procs) return null;
  const parent = new Map(procs.map((p) => [p.pid, p.ppid]));
  const descends = (pid: number, root: number | null | undefined) => {
    if (!root) return false;
    for (let at: number | undefined = pid; at && at > 1; at = parent.get(at)) {
      if (at === root) return true;
    }
    return false;
  };
  const postmaster = postmasterPid(roots.dataDir);
  const used: CpuSnapshot = new Map();
  for (const proc of procs) {
    const role: Role | null =
      proc.pid === process.pid
        ? "load generator"
        : descends(proc.pid, postmaster)
          ? "postgres"
          : descends(proc.pid, roots.appPid)
            ? appRole(proc)
            : null;
    if (role) used.set(role, (used.get(role) ?? 0) + proc.ms);
  }
  return used;
}

/** CPU each role used between two snapshots, in ms, and their total. */
export function cpuBetween(before: CpuSnapshot, after: CpuSnapshot) {
  const parts = ROLES.map((role) => ({
    role,
    ms: Math.max(0, (after.get(role) ?? 0) - (before.get(role) ?? 0)),
  }));
  return { parts, total: parts.reduce((sum, part) => sum + part.ms, 0) };
}

/** "next-server 2.4, postgres 1.7, …" in ms of CPU per request between two snapshots. */
export function cpuPerRequest(before: CpuSnapshot, after: CpuSnapshot, requests: number): string {
  const { parts, total } = cpuBetween(before, after);
  return `${parts.map(({ role, ms }) => `${role} ${(ms / requests).toFixed(2)}`).join(", ")}; total ${(total / requests).toFixed(2)} ms`;
}

/** "next-server 2.1 s, postgres 4.0 s, …; total 9.3 s" between two snapshots. */
export function cpuSeconds(before: CpuSnapshot, after: CpuSnapshot): string {
  const { parts, total } = cpuBetween(before, after);
  const s = (ms: number) => (ms / 1000).toFixed(1);
  return `${parts
    .filter(({ ms }) => ms > 0)
    .map(({ role, ms }) => `${role} ${s(ms)} s`)
    .join(", ")}; total ${s(total)} s`;
}
