/**
 * Inngest "time strings" (SDK spec 1.3.2): decimal numbers with unit suffixes such as
 * "300ms" or "2h45m"; `d` and `w` are fixed 24h / 168h. `step.sleepUntil` and timeouts
 * given as dates arrive as ISO 8601 timestamps instead.
 */
const UNIT_MS: Record<string, number> = {
  ns: 1e-6,
  us: 1e-3,
  µs: 1e-3,
  ms: 1,
  s: 1_000,
  m: 60_000,
  h: 3_600_000,
  d: 86_400_000,
  w: 604_800_000,
};

const PART = /(\d+(?:\.\d+)?)(ns|us|µs|ms|s|m|h|d|w)/y;

export function parseDuration(text: string): number | undefined {
  if (!text) return undefined;
  let total = 0;
  PART.lastIndex = 0;
  while (PART.lastIndex < text.length) {
    const start = PART.lastIndex;
    const match = PART.exec(text);
    if (!match || match.index !== start) return undefined;
    total += Number(match[1]) * (UNIT_MS[match[2] as string] ?? 0);
  }
  return Math.ceil(total);
}

/** The epoch milliseconds at which a duration or ISO date, counted from `now`, is reached. */
export function resolveDeadline(text: string, now: number): number | undefined {
  const duration = parseDuration(text);
  if (duration !== undefined) return now + duration;
  if (!/^\d{4}-\d{2}-\d{2}/.test(text)) return undefined;
  const at = Date.parse(text);
  return Number.isNaN(at) ? undefined : at;
}
