/**
 * A task that never runs twice at once and never misses a call: a call made while it runs
 * asks for one more pass after the current one, however many calls came meanwhile, and
 * shares the run's promise. A pass should handle its own errors; one that throws ends
 * the run, and the next call starts afresh.
 */
export type Rerunnable = {
  run(): Promise<void>;
  /** The run under way, if any. */
  readonly running: Promise<void> | null;
};

export function rerunnable(pass: () => Promise<void>): Rerunnable {
  let running: Promise<void> | null = null;
  let again = false;
  return {
    run() {
      if (running) {
        again = true;
        return running;
      }
      running = (async () => {
        try {
          do {
            again = false;
            await pass();
          } while (again);
        } finally {
          running = null;
        }
      })();
      return running;
    },
    get running() {
      return running;
    },
  };
}
