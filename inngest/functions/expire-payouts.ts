import { db } from "@/db/client";
import { inngest, sweepBacklog } from "@/inngest/client";
import { relayEvents } from "@/inngest/relay";
import { expireDuePayouts } from "@/lib/payouts/expire-payouts";

const PER_ROUND = 1_000;
const MAX_ROUNDS = 20;

/**
 * Unclaimed payouts whose link window has passed expire, and their funds go back to
 * `available`. A run expires up to 20,000; with more due it hands the rest to a
 * successor at once instead of leaving them for the next minute's sweep.
 */
export const expirePayouts = inngest.createFunction(
  {
    id: "expire-payouts",
    name: "Expire unclaimed payouts",
    triggers: [
      { cron: "* * * * *" },
      { event: sweepBacklog, if: "event.data.sweep == 'expire-payouts'" },
    ],
    concurrency: { limit: 1 },
  },
  async ({ step, runId }) => {
    let total = 0;
    for (let round = 0; round < MAX_ROUNDS; round++) {
      const { expired } = await step.run(`expire-round-${round}`, async () => {
        const result = await expireDuePayouts(db, { limit: PER_ROUND });
        await relayEvents();
        return { expired: result.expired.length };
      });
      total += expired;
      if (expired < PER_ROUND) return { expired: total };
    }
    await step.sendEvent(
      "hand-over-backlog",
      sweepBacklog.create({ sweep: "expire-payouts" }, { id: `sweep-backlog:${runId}` }),
    );
    return { expired: total, handedOver: true };
  },
);
