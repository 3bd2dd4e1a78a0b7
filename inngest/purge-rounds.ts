import type { GetStepTools } from "inngest";
import type { inngest } from "@/inngest/client";

const PER_ROUND = 10_000;
const MAX_ROUNDS = 50;

/**
 * Runs a purge in bounded batches, one step each, until a batch comes back short: at most
 * 500,000 rows a run, so a run stays far below Inngest's step limit and each step's time,
 * and a retried step repeats one batch only. The next cron tick picks up what is left.
 */
export async function purgeInRounds(
  step: GetStepTools<typeof inngest>,
  purge: (limit: number) => Promise<number>,
): Promise<number> {
  let total = 0;
  for (let round = 0; round < MAX_ROUNDS; round++) {
    const purged = await step.run(`purge-round-${round}`, () => purge(PER_ROUND));
    total += purged;
    if (purged < PER_ROUND) break;
  }
  return total;
}
