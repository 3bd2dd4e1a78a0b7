import { db } from "@/db/client";
import { inngest } from "@/inngest/client";
import { config } from "@/lib/config";
import { purgeWebhookLogs } from "@/lib/webhooks/retention";

const PER_ROUND = 10_000;
const MAX_ROUNDS = 50;

/**
 * Finished webhook deliveries past `WEBHOOK_LOG_RETENTION_DAYS`, and their attempt logs,
 * are deleted hourly, a bounded batch per step (up to 500,000 an hour).
 */
export const purgeWebhookLogsSweep = inngest.createFunction(
  {
    id: "purge-webhook-logs",
    name: "Purge old webhook delivery logs",
    triggers: [{ cron: "41 * * * *" }],
    concurrency: { limit: 1 },
  },
  async ({ step }) => {
    const retentionDays = config().WEBHOOK_LOG_RETENTION_DAYS;
    let total = 0;
    for (let round = 0; round < MAX_ROUNDS; round++) {
      const purged = await step.run(`purge-round-${round}`, () =>
        purgeWebhookLogs(db, { retentionDays, limit: PER_ROUND }),
      );
      total += purged;
      if (purged < PER_ROUND) break;
    }
    return { purged: total, retentionDays };
  },
);
