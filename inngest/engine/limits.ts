/**
 * Inngest Cloud's documented limits, which the local engine enforces so that a function
 * that would fail there fails here first. Sources: https://www.inngest.com/docs/usage-limits/inngest
 * (steps per function, step output, run state) and
 * https://www.inngest.com/docs/durable-execution/limits (event size and batch capacity on
 * the paid plans; the free plan allows 256 KiB events and batches of 5), and the event
 * API's 5,000 events per request.
 */
export const inngestLimits = {
  stepsPerRun: 1_000,
  stepOutputBytes: 4 * 1024 * 1024,
  runStateBytes: 32 * 1024 * 1024,
  eventBytes: 3 * 1024 * 1024,
  eventsPerRequest: 5_000,
  batchEventsMaxSize: 100,
} as const;

/** What a value weighs as Inngest stores it: its JSON in UTF-8. */
export function jsonBytes(value: unknown): number {
  return Buffer.byteLength(JSON.stringify(value ?? null), "utf8");
}

const mb = (bytes: number) => `${(bytes / 1024 / 1024).toFixed(1)} MiB`;

/**
 * Why the event API refuses these events, or null when Inngest would take them.
 * `bodyBytes`, the request's size, spares weighing each event when the whole request is
 * well under one event's limit (the relay's 1,000 events of about 1 KB each).
 */
export function eventsProblem(
  events: unknown[],
  bodyBytes = Number.POSITIVE_INFINITY,
): string | null {
  if (events.length > inngestLimits.eventsPerRequest) {
    return `${events.length} events in one request; Inngest takes at most ${inngestLimits.eventsPerRequest}`;
  }
  if (bodyBytes <= inngestLimits.eventBytes / 2) return null;
  for (const [i, event] of events.entries()) {
    const bytes = jsonBytes(event);
    if (bytes > inngestLimits.eventBytes) {
      return `event ${i} is ${mb(bytes)}; Inngest takes events of at most ${mb(inngestLimits.eventBytes)}`;
    }
  }
  return null;
}

/**
 * Tracks a run's weight as steps are memoised, and says which limit a new step result
 * would break: the number of steps, the step's own output, or the whole run state
 * (its events plus every step's output).
 */
export class RunBudget {
  private steps: number;
  private stateBytes: number;

  constructor(events: unknown, steps: Record<string, unknown>) {
    this.steps = Object.keys(steps).length;
    this.stateBytes = jsonBytes(events) + jsonBytes(steps);
  }

  /** Counts a memoised result; a message when it breaks a limit. */
  add(result: unknown): string | null {
    const bytes = jsonBytes(result);
    this.steps += 1;
    this.stateBytes += bytes;
    if (this.steps > inngestLimits.stepsPerRun) {
      return `the run has more than ${inngestLimits.stepsPerRun} steps, Inngest's limit per function run`;
    }
    if (bytes > inngestLimits.stepOutputBytes) {
      return `a step returned ${mb(bytes)}; Inngest keeps step output of at most ${mb(inngestLimits.stepOutputBytes)}`;
    }
    if (this.stateBytes > inngestLimits.runStateBytes) {
      return `the run's state reached ${mb(this.stateBytes)}; Inngest's limit is ${mb(inngestLimits.runStateBytes)}`;
    }
    return null;
  }
}
