import { db } from "@/db/client";
import { inngest } from "@/inngest/client";
import { purgeExpiredIdempotencyKeys } from "@/lib/api/idempotency";

const PER_ROUND = 10_000;
const MAX_ROUNDS = 50;

/** Idempotency keys past their 72-hour retention are deleted, a bounded batch per step. */
export const purgeIdempotencyKeys = inngest.createFunction(
  {
    id: "purge-idempotency-keys",
    name: "Purge expired idempotency keys",
    triggers: [{ cron: "17 * * * *" }],
    concurrency: { limit: 1 },
  },
  async ({ step }) => {
    let total = 0;
    for (let round = 0; round < MAX_ROUNDS; round++) {
      const purged = await step.run(`purge-round-${round}`, () =>
        purgeExpiredIdempotencyKeys(db, { limit: PER_ROUND }),
      );
      total += purged;
      if (purged < PER_ROUND) break;
    }
    return { purged: total };
  },
);
