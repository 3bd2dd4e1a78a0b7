import { createHash, createHmac, timingSafeEqual } from "node:crypto";
import canonicalize from "canonicalize";

const PREFIX = /^signkey-[\w]+-/;

/**
 * The body as the SDK re-serialises it before checking the HMAC: it parses what it
 * receives and runs `canonicalize` (RFC 8785 JSON Canonicalization Scheme) over it, so
 * the engine sends and signs exactly that library's output.
 */
export function canonicalJson(value: object): string {
  return canonicalize(value) as string;
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

/** Whether an event key given in a request is the engine's, compared in constant time. */
export function keyMatches(given: string, expected: string): boolean {
  const a = createHash("sha256").update(given).digest();
  const b = createHash("sha256").update(expected).digest();
  return timingSafeEqual(a, b);
}
