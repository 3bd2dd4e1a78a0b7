import { createHash } from "node:crypto";

/**
 * SHA-256 of an operation and its content, so a repeated idempotency key can be told
 * apart from a reused one. The operation name is part of it: a key used for a deposit
 * cannot replay as a hold.
 */
export function contentHash(operation: string, content: unknown): string {
  const json = JSON.stringify([operation, content], (_, value) =>
    typeof value === "bigint" ? value.toString() : value,
  );
  return createHash("sha256").update(json).digest("hex");
}
