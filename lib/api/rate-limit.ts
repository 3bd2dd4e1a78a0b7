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
 * Tokens this instance took from the shared bucket and has not used yet. They were
 * already counted in PostgreSQL, so spending them locally can never push a key past
 * its limit across instances; unused ones simply lapse.
 */
type Lease = {
  tokens: number;
  expiresAt: number;
  policy: RateLimitPolicy;
  /** What the bucket had left after the grant, for the headers. */
  bucketRemaining: number;
  resetAt: number;
};

const leases = new Map<string, Lease>();
/** At most one bucket request per key at a time; concurrent requests share its lease. */
const inFlight = new Map<string, Promise<RateLimitDecision>>();
const MAX_LEASE = 50;
const MAX_LEASE_MS = 1_000;

/**
 * One DB write per request makes a key's bucket row a hot spot that every concurrent
 * request queues on. Leasing a twentieth of the limit at a time removes that queue and
 * keeps small limits exact (a limit under 40 leases one token at a time).
 */
function leaseSize(policy: RateLimitPolicy): number {
  return Math.max(1, Math.min(MAX_LEASE, Math.floor(policy.limit / 20)));
}

function samePolicy(a: RateLimitPolicy, b: RateLimitPolicy): boolean {
  return a.limit === b.limit && a.periodMs === b.periodMs;
}

function forgetLapsedLeases(now: number): void {
  if (leases.size < 10_000) return;
  for (const [key, lease] of leases) if (lease.expiresAt <= now) leases.delete(key);
}

/**
 * GCRA (a leaky bucket kept as one timestamp per key): taking n requests moves the
 * bucket's "theoretical arrival time" `tat` forward by n × period/limit, and is refused
 * when `tat` would end up more than one period ahead of now. So `limit` requests may
 * arrive at once, then they pass at the sustained rate. Decision and update are one
 * upsert, so every app instance shares the same state without a read-modify-write race.
 */
export async function consumeRateLimit(
  db: DbOrTx,
  key: string,
  policy: RateLimitPolicy,
): Promise<RateLimitDecision> {
  for (;;) {
    const fromLease = spendLease(key, policy);
    if (fromLease) return fromLease;
    const pending = inFlight.get(key);
    if (!pending) break;
    // Another request is already asking the bucket; its lease may cover this one too.
    const outcome = await pending;
    if (!outcome.allowed) return outcome;
  }
  const request = takeFromBucket(db, key, policy);
  inFlight.set(key, request);
  try {
    return await request;
  } finally {
    inFlight.delete(key);
  }
}

function spendLease(key: string, policy: RateLimitPolicy): RateLimitDecision | null {
  const now = Date.now();
  const lease = leases.get(key);
  if (!lease || lease.tokens <= 0 || now >= lease.expiresAt || !samePolicy(lease.policy, policy)) {
    return null;
  }
  lease.tokens -= 1;
  return {
    allowed: true,
    limit: policy.limit,
    remaining: lease.bucketRemaining + lease.tokens,
    resetSeconds: Math.max(0, Math.ceil((lease.resetAt - now) / 1000)),
    retryAfterSeconds: 0,
    policy,
  };
}

async function takeFromBucket(
  db: DbOrTx,
  key: string,
  policy: RateLimitPolicy,
): Promise<RateLimitDecision> {
  const now = Date.now();
  const want = leaseSize(policy);
  const emissionUs = Math.max(1, Math.round((policy.periodMs * 1000) / policy.limit));
  const periodUs = policy.periodMs * 1000;
  // free = how many emission intervals fit between the bucket's tat and one period ahead.
  const [row] = await db.execute<{ granted: number; ahead_us: string }>(sql`
    with attempt as (
      insert into rate_limit_buckets as b (key, tat, granted)
      values (${key}, now() + make_interval(secs => ${want * emissionUs}::float8 / 1e6), ${want})
      on conflict (key) do update
        set granted = least(${want}, floor((${periodUs} - extract(epoch from greatest(b.tat, now()) - now()) * 1e6) / ${emissionUs}))::int,
            tat = greatest(b.tat, now()) + make_interval(secs =>
              least(${want}, floor((${periodUs} - extract(epoch from greatest(b.tat, now()) - now()) * 1e6) / ${emissionUs}))
              * ${emissionUs}::float8 / 1e6)
        where floor((${periodUs} - extract(epoch from greatest(b.tat, now()) - now()) * 1e6) / ${emissionUs}) >= 1
      returning tat, granted
    ),
    refused as (
      select tat from rate_limit_buckets
        where key = ${key} and not exists (select 1 from attempt)
        for update
    )
    select granted, (extract(epoch from (tat - now())) * 1e6)::bigint::text as ahead_us
      from attempt
    union all
    select 0, (extract(epoch from (tat - now())) * 1e6)::bigint::text
      from refused
  `);
  // A plain read in the refused branch would see the row as of the statement's snapshot:
  // one grant behind when another instance's upsert committed while this one waited on
  // the row, which made Retry-After 1 s instead of one interval. `for update` reads the
  // latest version (this statement already holds the row's lock). It can still miss a
  // row a concurrent first request committed a moment ago; then refuse for one interval.
  const granted = Number(row?.granted ?? 0);
  const aheadUs = Math.max(0, Number(row?.ahead_us ?? periodUs));
  const bucketRemaining = Math.max(0, Math.floor((periodUs - aheadUs) / emissionUs));
  const resetSeconds = Math.ceil(aheadUs / 1e6);

  if (granted === 0) {
    leases.delete(key);
    const retryAfterUs = aheadUs + emissionUs - periodUs;
    return {
      allowed: false,
      limit: policy.limit,
      remaining: 0,
      resetSeconds,
      retryAfterSeconds: Math.max(1, Math.ceil(retryAfterUs / 1e6)),
      policy,
    };
  }
  if (granted > 1) {
    forgetLapsedLeases(now);
    leases.set(key, {
      tokens: granted - 1,
      expiresAt: now + Math.min(MAX_LEASE_MS, policy.periodMs),
      policy,
      bucketRemaining,
      resetAt: now + aheadUs / 1000,
    });
  }
  return {
    allowed: true,
    limit: policy.limit,
    remaining: bucketRemaining + granted - 1,
    resetSeconds,
    retryAfterSeconds: 0,
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
