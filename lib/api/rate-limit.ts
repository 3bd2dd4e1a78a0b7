import { sql } from "drizzle-orm";
import type { DbOrTx } from "@/db/client";

export type RateLimitPolicy = { limit: number; periodMs: number };

export type RateLimitDecision = {
  allowed: boolean;
  limit: number;
  remaining: number;
  /** Seconds until the bucket is full again. */
  resetSeconds: number;
  /** Seconds to wait before the next request can pass; 0 when allowed. */
  retryAfterSeconds: number;
  policy: RateLimitPolicy;
};

/**
 * GCRA (a leaky bucket kept as one timestamp per key): each request moves the bucket's
 * "theoretical arrival time" `tat` forward by period/limit, and is refused when that
 * would put `tat` more than one period ahead of now. So `limit` requests may arrive at
 * once, then they pass at the sustained rate. The decision and the update are one
 * upsert, so every app instance shares the same state and concurrent requests on one
 * key serialise on the row without a read-modify-write race.
 */
export async function consumeRateLimit(
  db: DbOrTx,
  key: string,
  policy: RateLimitPolicy,
): Promise<RateLimitDecision> {
  const emissionUs = Math.max(1, Math.round((policy.periodMs * 1000) / policy.limit));
  const periodUs = policy.periodMs * 1000;
  const [row] = await db.execute<{ allowed: boolean; ahead_us: string }>(sql`
    with attempt as (
      insert into rate_limit_buckets as b (key, tat)
      values (${key}, now() + make_interval(secs => ${emissionUs}::float8 / 1e6))
      on conflict (key) do update
        set tat = greatest(b.tat, now()) + make_interval(secs => ${emissionUs}::float8 / 1e6)
        where greatest(b.tat, now()) + make_interval(secs => ${emissionUs}::float8 / 1e6) - now()
          <= make_interval(secs => ${periodUs}::float8 / 1e6)
      returning tat
    )
    select true as allowed, (extract(epoch from (tat - now())) * 1e6)::bigint::text as ahead_us
      from attempt
    union all
    select false, (extract(epoch from (tat - now())) * 1e6)::bigint::text
      from rate_limit_buckets
      where key = ${key} and not exists (select 1 from attempt)
  `);
  // The refused branch reads the row as of the statement's snapshot, which can miss a
  // row a concurrent first request committed a moment ago; then refuse for one period.
  const allowed = row?.allowed ?? false;
  const aheadUs = Math.max(0, Number(row?.ahead_us ?? periodUs));
  const remaining = allowed ? Math.max(0, Math.floor((periodUs - aheadUs) / emissionUs)) : 0;
  const retryAfterUs = allowed ? 0 : aheadUs + emissionUs - periodUs;
  return {
    allowed,
    limit: policy.limit,
    remaining,
    resetSeconds: Math.ceil(aheadUs / 1e6),
    retryAfterSeconds: allowed ? 0 : Math.max(1, Math.ceil(retryAfterUs / 1e6)),
    policy,
  };
}

/** Headers from draft-ietf-httpapi-ratelimit-headers (the widely deployed -07 form). */
export function rateLimitHeaders(decision: RateLimitDecision): Record<string, string> {
  const headers: Record<string, string> = {
    "RateLimit-Limit": String(decision.limit),
    "RateLimit-Remaining": String(decision.remaining),
    "RateLimit-Reset": String(decision.resetSeconds),
    "RateLimit-Policy": `${decision.limit};w=${Math.max(1, Math.round(decision.policy.periodMs / 1000))}`,
  };
  if (!decision.allowed) headers["Retry-After"] = String(decision.retryAfterSeconds);
  return headers;
}
