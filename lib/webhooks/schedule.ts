const SECOND = 1_000;
const MINUTE = 60 * SECOND;
const HOUR = 60 * MINUTE;

/**
 * The wait before each retry: attempt 1 goes at once, attempt n + 1 waits
 * `RETRY_DELAYS_MS[n - 1]` after attempt n. Twelve attempts over about 82 hours, so even
 * with the most negative jitter the last one is more than 72 hours after the first.
 */
export const RETRY_DELAYS_MS: readonly number[] = [
  5 * SECOND,
  1 * MINUTE,
  5 * MINUTE,
  30 * MINUTE,
  1 * HOUR,
  2 * HOUR,
  4 * HOUR,
  8 * HOUR,
  12 * HOUR,
  24 * HOUR,
  30 * HOUR,
];
export const MAX_ATTEMPTS = RETRY_DELAYS_MS.length + 1;

/** ±10%, so deliveries that failed together (an endpoint's outage) do not retry together. */
export const JITTER = 0.1;

/** A Retry-After longer than this is capped: the schedule must still end in days, not weeks. */
export const MAX_RETRY_AFTER_MS = 24 * HOUR;

/** An endpoint that has failed for this long, with no success since, is disabled. */
export const DISABLE_AFTER_FAILING_MS = 5 * 24 * HOUR;

/**
 * Parses a Retry-After header (RFC 9110 §10.2.3): delay-seconds or an HTTP-date.
 * Returns milliseconds from `now`, or null when absent or unreadable.
 */
export function parseRetryAfter(value: string | null | undefined, now: Date): number | null {
  if (!value) return null;
  const trimmed = value.trim();
  if (/^\d+$/.test(trimmed)) return Number(trimmed) * SECOND;
  const date = Date.parse(trimmed);
  if (Number.isNaN(date)) return null;
  return Math.max(0, date - now.getTime());
}

/**
 * When attempt `attemptNumber + 1` should run after attempt `attemptNumber` failed at
 * `now`, or null when that was the last. A Retry-After the receiver sent is honoured
 * (never retried sooner than it asks), up to `MAX_RETRY_AFTER_MS`.
 */
export function nextAttemptAt(input: {
  attemptNumber: number;
  now: Date;
  retryAfterMs?: number | null;
  random?: () => number;
}): Date | null {
  const base = RETRY_DELAYS_MS[input.attemptNumber - 1];
  if (base === undefined) return null;
  const random = input.random ?? Math.random;
  const jittered = base * (1 - JITTER + 2 * JITTER * random());
  const asked = Math.min(input.retryAfterMs ?? 0, MAX_RETRY_AFTER_MS);
  return new Date(input.now.getTime() + Math.round(Math.max(jittered, asked)));
}
