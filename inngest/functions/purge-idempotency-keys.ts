import { db } from "@/db/client";
import { inngest } from "@/inngest/client";
import { purgeInRounds } from "@/inngest/purge-rounds";
import { purgeExpiredIdempotencyKeys } from "@/lib/api/idempotency";

/** Idempotency keys past their 72-hour retention are deleted, a bounded batch per step. */
export const purgeIdempotencyKeys = inngest.createFunction(
  {
    id: "purge-idempotency-keys",
    name: "Purge expired idempotency keys",
    triggers: [{ cron: "17 * * * *" }],
    concurrency: { limit: 1 },
  },
  async ({ step }) => {
    return {
      purged: await purgeInRounds(step, (limit) => purgeExpiredIdempotencyKeys(db, { limit })),
    };
  },
);
