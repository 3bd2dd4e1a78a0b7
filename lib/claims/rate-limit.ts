import { createHash } from "node:crypto";
import { lt, sql } from "drizzle-orm";
import type { DbOrTx } from "@/db/client";
import { claimRateLimits } from "@/db/schema";

export type RateLimitRule = { key: string; limit: number; windowSeconds: number };
export type RateLimitOutcome = { allowed: true } | { allowed: false; retryAfterSeconds: number };

/** IP addresses never reach the database in the clear. */
export function ipKey(ip: string): string {
  return createHash("sha256").update(`claim-ip:${ip}`).digest("hex").slice(0, 32);
}

/**
 * Counts one hit against each rule in its current fixed window and says whether every
 * rule still allows it. The upsert makes concurrent hits count exactly once each.
 */
export async function consumeRateLimits(
  db: DbOrTx,
  rules: RateLimitRule[],
  now: Date = new Date(),
): Promise<RateLimitOutcome> {
  let retryAfterSeconds = 0;
  for (const rule of rules) {
    const windowMs = rule.windowSeconds * 1000;
    const windowStart = new Date(Math.floor(now.getTime() / windowMs) * windowMs);
    const [row] = await db
      .insert(claimRateLimits)
      .values({ key: rule.key, windowStart, count: 1 })
      .onConflictDoUpdate({
        target: [claimRateLimits.key, claimRateLimits.windowStart],
        set: { count: sql`${claimRateLimits.count} + 1` },
      })
      .returning({ count: claimRateLimits.count });
    if ((row?.count ?? 0) > rule.limit) {
      const wait = Math.ceil((windowStart.getTime() + windowMs - now.getTime()) / 1000);
      retryAfterSeconds = Math.max(retryAfterSeconds, wait);
    }
  }
  return retryAfterSeconds > 0 ? { allowed: false, retryAfterSeconds } : { allowed: true };
}

/** Old windows are useless; dropping them keeps the table at a few rows per active key. */
export async function pruneRateLimits(db: DbOrTx, olderThan: Date): Promise<number> {
  const removed = await db
    .delete(claimRateLimits)
    .where(lt(claimRateLimits.windowStart, olderThan))
    .returning({ key: claimRateLimits.key });
  return removed.length;
}
