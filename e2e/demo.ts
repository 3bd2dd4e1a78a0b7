import { readFileSync } from "node:fs";
import path from "node:path";

export type DemoCredentials = { adminEmail: string; apiKey: string; claimUrls: string[] };

/** What the seed printed on first start of the e2e server (written to its DATA_DIR). */
export function demoCredentials(): DemoCredentials {
  return JSON.parse(readFileSync(path.join(".data/e2e", "demo.json"), "utf8")) as DemoCredentials;
}

/** The e2e server's own database: the embedded cluster under its DATA_DIR. */
export function e2eDatabaseUrl(): string {
  // postmaster.pid's fourth line is the port the cluster listens on.
  const pid = readFileSync(path.join(".data/e2e", "pg", "postmaster.pid"), "utf8").split("\n");
  return `postgres://disburse:disburse-local@127.0.0.1:${pid[3]?.trim()}/disburse`;
}
