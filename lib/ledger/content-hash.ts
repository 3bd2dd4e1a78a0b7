import { createHash } from "node:crypto";

/**
 * SHA-256 of an operation and its content, so a repeated idempotency key can be told
 * apart from a reused one. The operation name is part of it: a key used for a deposit
 * cannot replay as a hold.
 */
export function contentHash(operation: string, content: Json): string {
  return createHash("sha256")
    .update(JSON.stringify([operation, content]))
    .digest("hex");
}

/** Plain JSON only: amounts go in as strings, so the hash never depends on a replacer. */
type Json = string | number | boolean | null | Json[] | { [key: string]: Json };
