import { createHash, createHmac, timingSafeEqual } from "node:crypto";

const PREFIX = /^signkey-[\w]+-/;

/**
 * JSON Canonicalization Scheme (RFC 8785) as the SDK applies it: it parses the body it
 * receives and re-serialises it with sorted keys before checking the HMAC, so the engine
 * sends exactly the canonical text it signs.
 */
export function canonicalJson(value: unknown): string {
  if (value === null || typeof value !== "object") return JSON.stringify(value) ?? "null";
  if (Array.isArray(value)) {
    return `[${value.map((item) => canonicalJson(item === undefined ? null : item)).join(",")}]`;
  }
  const entries = Object.keys(value)
    .sort()
    .filter((key) => (value as Record<string, unknown>)[key] !== undefined)
    .map(
      (key) => `${JSON.stringify(key)}:${canonicalJson((value as Record<string, unknown>)[key])}`,
    );
  return `{${entries.join(",")}}`;
}

/**
 * `X-Inngest-Signature` per SDK spec 4.1.1/4.1.3: HMAC-SHA256 of the body followed by the
 * unix-seconds timestamp, keyed by the signing key's text after its `signkey-<env>-` prefix.
 */
export function signatureHeader(body: string, signingKey: string, nowMs: number): string {
  const timestamp = Math.floor(nowMs / 1000).toString();
  const signature = createHmac("sha256", signingKey.replace(PREFIX, ""))
    .update(body + timestamp)
    .digest("hex");
  return `t=${timestamp}&s=${signature}`;
}

/**
 * The bearer token the SDK sends with a sync (spec 4.1.4): the prefix kept, the hex key
 * replaced by the hex SHA-256 of its bytes.
 */
export function hashedSigningKey(signingKey: string): string {
  const prefix = PREFIX.exec(signingKey)?.[0] ?? "";
  const key = signingKey.replace(PREFIX, "");
  return `${prefix}${createHash("sha256").update(Buffer.from(key, "hex")).digest("hex")}`;
}

export function bearerMatches(header: string | undefined, signingKey: string): boolean {
  const expected = Buffer.from(`Bearer ${hashedSigningKey(signingKey)}`);
  const given = Buffer.from(header ?? "");
  return given.length === expected.length && timingSafeEqual(given, expected);
}
