import { sql } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";
import { GET as listRecipients } from "@/app/api/v1/recipients/route";
import { createDb, db } from "@/db/client";
import {
  consumeRateLimit,
  type RateLimitDecision,
  type RateLimitPolicy,
} from "@/lib/api/rate-limit";
import { call } from "@/tests/fixtures/api-requests";
import { createTestOrganisation, type TestOrganisation } from "@/tests/fixtures/organisations";
import { lockWaiters, signal } from "@/tests/fixtures/races";

// Read lazily by config() on the first request of this file. A long window keeps the
// test independent of how slowly a loaded machine sends the requests.
process.env.API_RATE_LIMIT = "5";
process.env.API_RATE_LIMIT_WINDOW_SECONDS = "60";
afterAll(() => {
  delete process.env.API_RATE_LIMIT;
  delete process.env.API_RATE_LIMIT_WINDOW_SECONDS;
});

let acme: TestOrganisation;
beforeAll(async () => {
  acme = await createTestOrganisation(db, "Acme");
});

describe("rate limits", () => {
  it("lets a burst of the limit through, then answers 429 with Retry-After", async () => {
    const responses = [];
    for (let i = 0; i < 7; i++) {
      responses.push(await call(listRecipients, "GET", "/recipients", { key: acme.testKey }));
    }
    expect(responses.map((r) => r.status)).toEqual([200, 200, 200, 200, 200, 429, 429]);
    const first = responses[0]?.headers;
    expect(first?.get("ratelimit-limit")).toBe("5");
    expect(first?.get("ratelimit-remaining")).toBe("4");
    expect(first?.get("ratelimit-policy")).toBe("5;w=60");
    expect(responses[4]?.headers.get("ratelimit-remaining")).toBe("0");
    const limited = responses[5];
    expect(limited?.body).toMatchObject({ code: "rate_limited", status: 429 });
    // One request frees up every 12 s at 5 per minute.
    const retryAfter = Number(limited?.headers.get("retry-after"));
    expect(retryAfter).toBeGreaterThanOrEqual(1);
    expect(retryAfter).toBeLessThanOrEqual(12);
    expect(limited?.headers.get("ratelimit-remaining")).toBe("0");

    // Keys do not share a bucket, even in one organisation.
    const live = await call(listRecipients, "GET", "/recipients", { key: acme.liveKey });
    expect(live.status).toBe(200);
  });

  it("refills at the sustained rate after a burst", async () => {
    const policy = { limit: 2, periodMs: 2_000 };
    const burst = [];
    for (let i = 0; i < 3; i++) burst.push(await consumeRateLimit(db, "test:refill", policy));
    expect(burst.map((d) => d.allowed)).toEqual([true, true, false]);
    await new Promise((r) => setTimeout(r, 1_100));
    expect((await consumeRateLimit(db, "test:refill", policy)).allowed).toBe(true);
  });

  it("never grants more than the limit when an instance leases tokens in bulk", async () => {
    // 400 per hour leases 20 at a time (and refills only every 9 s, so not during the
    // test); 1,000 concurrent requests must get at most 400.
    const policy = { limit: 400, periodMs: 3_600_000 };
    const decisions = await Promise.all(
      Array.from({ length: 1_000 }, () => consumeRateLimit(db, "test:leased", policy)),
    );
    const allowed = decisions.filter((d) => d.allowed).length;
    expect(allowed).toBeLessThanOrEqual(400);
    expect(allowed).toBeGreaterThanOrEqual(380);
  });
});

type RateLimiter = typeof import("@/lib/api/rate-limit");
type Instance = {
  limiter: RateLimiter;
  consume: (key: string, policy: RateLimitPolicy) => Promise<RateLimitDecision>;
  close: () => Promise<void>;
};

/**
 * An app instance as production runs it: its own copy of rate-limit.ts (so its own
 * `leases` and `inFlight` maps) and its own connection pool to the one database.
 */
async function startInstance(): Promise<Instance> {
  vi.resetModules();
  const limiter: RateLimiter = await import("@/lib/api/rate-limit");
  const pool = createDb(process.env.DATABASE_URL as string, { max: 5 });
  return {
    limiter,
    consume: (key, policy) => limiter.consumeRateLimit(pool.db, key, policy),
    close: () => pool.sql.end({ timeout: 5 }),
  };
}

/** `perInstance` requests from every instance, all started in the same tick. */
async function burst(
  instances: Instance[],
  key: string,
  policy: RateLimitPolicy,
  perInstance: number,
) {
  const started = performance.now();
  const decisions = await Promise.all(
    Array.from({ length: perInstance * instances.length }, (_, i) =>
      (instances[i % instances.length] as Instance).consume(key, policy),
    ),
  );
  return { decisions, elapsedMs: performance.now() - started };
}

async function bucket(key: string) {
  const [row] = await db.execute<{ tat_us: string; granted: number }>(sql`
    select (extract(epoch from tat) * 1e6)::bigint::text as tat_us, granted
      from rate_limit_buckets where key = ${key}
  `);
  return row ? { tatUs: Number(row.tat_us), granted: Number(row.granted) } : undefined;
}

describe("rate limits across app instances", () => {
  let a: Instance;
  let b: Instance;
  beforeAll(async () => {
    a = await startInstance();
    b = await startInstance();
  });
  afterAll(async () => {
    await a?.close();
    await b?.close();
  });

  it("runs two independent copies of the limiter", async () => {
    expect(a.limiter).not.toBe(b.limiter);
    expect(a.limiter.consumeRateLimit).not.toBe(b.limiter.consumeRateLimit);
    expect(a.limiter.consumeRateLimit).not.toBe(consumeRateLimit);

    // Leases are per instance: 400 per hour leases 20 tokens (9 s each) at a time. B
    // cannot spend A's lease, so its first request takes a lease of its own.
    const leased = { limit: 400, periodMs: 3_600_000 };
    expect((await a.consume("test:separate-leases", leased)).allowed).toBe(true);
    const afterA = await bucket("test:separate-leases");
    expect((await a.consume("test:separate-leases", leased)).allowed).toBe(true);
    expect(await bucket("test:separate-leases")).toEqual(afterA); // spent from A's lease
    expect((await b.consume("test:separate-leases", leased)).allowed).toBe(true);
    const afterB = await bucket("test:separate-leases");
    expect(afterB?.granted).toBe(20);
    expect(((afterB?.tatUs ?? 0) - (afterA?.tatUs ?? 0)) / 1e6).toBeCloseTo(180, 0);

    // `inFlight` is per instance too: while the bucket row is locked, both instances
    // wait on PostgreSQL at the same time (one copy would send only one of them).
    const key = "test:separate-in-flight";
    const policy = { limit: 20, periodMs: 3_600_000 };
    await a.consume(key, policy);
    const held = signal();
    const locked = signal();
    const holder = db.transaction(async (tx) => {
      await tx.execute(sql`select 1 from rate_limit_buckets where key = ${key} for update`);
      locked.fire();
      await held.fired;
    });
    await locked.fired;
    const racing = Promise.all([a.consume(key, policy), b.consume(key, policy)]);
    let waiting = 0;
    try {
      waiting = await lockWaiters(db, "insert into rate_limit_buckets", 2);
    } finally {
      held.fire();
      await holder;
    }
    const raced = await racing;
    expect(waiting).toBe(2);
    expect(raced.map((d) => d.allowed)).toEqual([true, true]);
  });

  it("admits exactly the limit from both instances together, with a sensible Retry-After", async () => {
    // 20 per hour: one request frees up every 180 s, so none during the test.
    const policy = { limit: 20, periodMs: 3_600_000 };
    const { decisions } = await burst([a, b], "test:shared", policy, 40);
    expect(decisions.filter((d) => d.allowed)).toHaveLength(20);
    const refused = decisions.filter((d) => !d.allowed);
    expect(refused).toHaveLength(60);
    for (const decision of refused) {
      expect(decision.remaining).toBe(0);
      expect(decision.retryAfterSeconds).toBeGreaterThanOrEqual(170);
      expect(decision.retryAfterSeconds).toBeLessThanOrEqual(180);
    }
  });

  it("admits exactly the limit when both instances lease tokens in bulk", async () => {
    // 400 per hour leases 20 at a time and refills every 9 s; demand is 1,000.
    const policy = { limit: 400, periodMs: 3_600_000 };
    const { decisions } = await burst([a, b], "test:shared-leased", policy, 500);
    expect(decisions.filter((d) => d.allowed)).toHaveLength(400);
    for (const decision of decisions.filter((d) => !d.allowed)) {
      expect(decision.retryAfterSeconds).toBeGreaterThanOrEqual(1);
      expect(decision.retryAfterSeconds).toBeLessThanOrEqual(9);
    }
  });

  it("never admits more than the limit per window, window after window", async () => {
    // 5 per second: one request frees up every 200 ms. Each round starts with a full
    // bucket (a whole period after the last one) and must admit exactly 5, plus at most
    // one per 200 ms the round itself took (normally a few milliseconds: none).
    const policy = { limit: 5, periodMs: 1_000 };
    const emissionMs = policy.periodMs / policy.limit;
    for (let round = 0; round < 3; round++) {
      const { decisions, elapsedMs } = await burst([a, b], "test:windows", policy, 30);
      const allowed = decisions.filter((d) => d.allowed).length;
      expect(allowed).toBeGreaterThanOrEqual(policy.limit);
      expect(allowed).toBeLessThanOrEqual(policy.limit + Math.floor(elapsedMs / emissionMs));
      for (const decision of decisions.filter((d) => !d.allowed)) {
        expect(decision.retryAfterSeconds).toBe(1);
      }
      // The last grant left the bucket at most one period ahead of its time.
      if (round < 2) await new Promise((r) => setTimeout(r, policy.periodMs + 50));
    }
  });
});
