/**
 * CPU time by part of the running product, read from /proc (Linux only), so a benchmark
 * can say where a request's cost went: the web process, PostgreSQL, the function worker,
 * the launcher with the local engine, and the benchmark's own load generator.
 */
import { readdirSync, readFileSync } from "node:fs";

const ROLES = ["next-server", "postgres", "worker", "engine", "load generator"] as const;
type Role = (typeof ROLES)[number];

/** Linux's USER_HZ: /proc reports CPU time in hundredths of a second. */
const MS_PER_TICK = 10;

function roleOf(pid: string, command: string, cmdline: string): Role | null {
  if (pid === String(process.pid)) return "load generator";
  if (command.startsWith("postgres")) return "postgres";
  if (command.startsWith("next-server") || cmdline.startsWith("next-server")) return "next-server";
  if (cmdline.includes("scripts/worker.ts")) return "worker";
  if (cmdline.includes("scripts/start.ts")) return "engine";
  return null;
}

export type CpuSnapshot = Map<Role, number>;

/** Milliseconds of CPU each role's live processes have used so far; null off Linux. */
export function cpuSnapshot(): CpuSnapshot | null {
  let pids: string[];
  try {
    pids = readdirSync("/proc").filter((entry) => /^\d+$/.test(entry));
  } catch {
    return null;
  }
  const used: CpuSnapshot = new Map();
  for (const pid of pids) {
    try {
      const stat = readFileSync(`/proc/${pid}/stat`, "utf8");
      const command = stat.slice(stat.indexOf("(") + 1, stat.lastIndexOf(")"));
      const cmdline = readFileSync(`/proc/${pid}/cmdline`, "utf8").replaceAll("\0", " ");
      const role = roleOf(pid, command, cmdline);
      if (!role) continue;
      // Fields after the command: state is the first, utime the 12th, stime the 13th.
      const fields = stat.slice(stat.lastIndexOf(")") + 2).split(" ");
      const ticks = Number(fields[11]) + Number(fields[12]);
      used.set(role, (used.get(role) ?? 0) + ticks * MS_PER_TICK);
    } catch {
      // The process ended between the listing and the read.
    }
  }
  return used;
}

/** "next-server 2.4, postgres 1.7, …" in ms of CPU per request between two snapshots. */
export function cpuPerRequest(before: CpuSnapshot, after: CpuSnapshot, requests: number): string {
  const parts = ROLES.map((role) => {
    const ms = Math.max(0, (after.get(role) ?? 0) - (before.get(role) ?? 0));
    return { role, ms: ms / requests };
  });
  const total = parts.reduce((sum, part) => sum + part.ms, 0);
  return `${parts.map(({ role, ms }) => `${role} ${ms.toFixed(2)}`).join(", ")}; total ${total.toFixed(2)} ms`;
}
