import { randomBytes } from "node:crypto";
import { existsSync, mkdirSync, readFileSync, writeFileSync } from "node:fs";
import path from "node:path";

/**
 * Secrets a single-machine install needs but nobody configured: generated once and
 * kept under DATA_DIR so sessions, claim tokens and signed engine calls survive a
 * restart. A real deployment sets them in the environment instead.
 */
export function localSecret(dataDir: string, name: string, make: () => string): string {
  const file = path.join(dataDir, "secrets", name);
  if (existsSync(file)) return readFileSync(file, "utf8").trim();
  mkdirSync(path.dirname(file), { recursive: true, mode: 0o700 });
  const value = make();
  writeFileSync(file, value, { mode: 0o600 });
  return value;
}

export const makeAuthSecret = () => randomBytes(32).toString("base64url");
export const makeSigningKey = () => `signkey-prod-${randomBytes(32).toString("hex")}`;
export const makeEventKey = () => randomBytes(24).toString("hex");
/** One tax-id key named by its creation date, in the `TAX_ID_KEYS` format. */
export const makeTaxIdKeys = () =>
  `k${new Date().toISOString().slice(0, 10).replace(/-/g, "")}:${randomBytes(32).toString("base64")}`;
