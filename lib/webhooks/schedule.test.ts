import { describe, expect, it } from "vitest";
import {
  MAX_ATTEMPTS,
  MAX_RETRY_AFTER_MS,
  nextAttemptAt,
  parseRetryAfter,
  RETRY_DELAYS_MS,
} from "./schedule";

const HOUR = 3_600_000;
const start = new Date("2026-01-01T00:00:00Z");

/** Runs the whole schedule with a fixed jitter draw; returns each attempt's time. */
function schedule(random: () => number): Date[] {
  const times = [start];
  for (let n = 1; ; n++) {
    const next = nextAttemptAt({ attemptNumber: n, now: times[n - 1] as Date, random });
    if (!next) return times;
    times.push(next);
  }
}

describe("webhook retry schedule", () => {
  it("makes at least 10 attempts over at least 72 hours, whatever the jitter", () => {
    for (const draw of [0, 0.5, 0.999999]) {
      const times = schedule(() => draw);
      expect(times).toHaveLength(MAX_ATTEMPTS);
      expect(times.length).toBeGreaterThanOrEqual(10);
      const span = (times.at(-1) as Date).getTime() - start.getTime();
      expect(span).toBeGreaterThanOrEqual(72 * HOUR);
      expect(span).toBeLessThan(96 * HOUR);
    }
  });

  it("spreads retries of the same attempt by up to ±10%", () => {
    const low = nextAttemptAt({ attemptNumber: 4, now: start, random: () => 0 });
    const high = nextAttemptAt({ attemptNumber: 4, now: start, random: () => 0.999999 });
    const base = RETRY_DELAYS_MS[3] as number;
    expect((low as Date).getTime() - start.getTime()).toBe(base * 0.9);
    expect((high as Date).getTime() - start.getTime()).toBeCloseTo(base * 1.1, -1);
  });

  it("stops after the last attempt", () => {
    expect(nextAttemptAt({ attemptNumber: MAX_ATTEMPTS, now: start })).toBeNull();
  });

  it("waits at least as long as Retry-After asks, up to a day", () => {
    const asked = nextAttemptAt({ attemptNumber: 1, now: start, retryAfterMs: 120_000 });
    expect((asked as Date).getTime() - start.getTime()).toBe(120_000);
    const shorter = nextAttemptAt({
      attemptNumber: 5,
      now: start,
      retryAfterMs: 1_000,
      random: () => 0.5,
    });
    expect((shorter as Date).getTime() - start.getTime()).toBe(RETRY_DELAYS_MS[4]);
    const huge = nextAttemptAt({ attemptNumber: 1, now: start, retryAfterMs: 30 * 86_400_000 });
    expect((huge as Date).getTime() - start.getTime()).toBe(MAX_RETRY_AFTER_MS);
  });

  it("reads Retry-After as seconds or as an HTTP date", () => {
    expect(parseRetryAfter("30", start)).toBe(30_000);
    expect(parseRetryAfter("Thu, 01 Jan 2026 00:02:00 GMT", start)).toBe(120_000);
    expect(parseRetryAfter("Wed, 31 Dec 2025 23:00:00 GMT", start)).toBe(0);
    expect(parseRetryAfter("soon", start)).toBeNull();
    expect(parseRetryAfter(null, start)).toBeNull();
  });
});
