import { readFileSync } from "node:fs";
import path from "node:path";

export type DemoCredentials = { adminEmail: string; apiKey: string; claimUrls: string[] };

/** What the seed printed on first start of the e2e server (written to its DATA_DIR). */
export function demoCredentials(): DemoCredentials {
  return JSON.parse(readFileSync(path.join(".data/e2e", "demo.json"), "utf8")) as DemoCredentials;
}
