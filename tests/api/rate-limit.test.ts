import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { GET as listRecipients } from "@/app/api/v1/recipients/route";
import { createDb, db } from "@/db/client";
import { consumeRateLimit } from "@/lib/api/rate-limit";
import { call } from "@/tests/fixtures/api-requests";
import { createTestOrganisation, type TestOrganisation } from "@/tests/fixtures/organisations";

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

  it("holds across app instances: separate connection pools share one budget", async () => {
    const instanceA = createDb(process.env.DATABASE_URL as string, { max: 5 });
    const instanceB = createDb(process.env.DATABASE_URL as string, { max: 5 });
    try {
      const policy = { limit: 20, periodMs: 3_600_000 };
      const decisions = await Promise.all(
        Array.from({ length: 60 }, (_, i) =>
          consumeRateLimit(i % 2 ? instanceA.db : instanceB.db, "test:shared", policy),
        ),
      );
      expect(decisions.filter((d) => d.allowed)).toHaveLength(20);
      const refused = decisions.find((d) => !d.allowed);
      // One request is allowed every 180 s at 20 per hour.
      expect(refused?.retryAfterSeconds).toBeGreaterThanOrEqual(170);
      expect(refused?.retryAfterSeconds).toBeLessThanOrEqual(180);
    } finally {
      await instanceA.sql.end();
      await instanceB.sql.end();
    }
  });
});
