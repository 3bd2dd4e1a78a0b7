import { db } from "@/db/client";
import { inngest } from "@/inngest/client";
import { purgeInRounds } from "@/inngest/purge-rounds";
import { config } from "@/lib/config";
import { purgeWebhookLogs } from "@/lib/webhooks/retention";

/**
 * Finished webhook deliveries past `WEBHOOK_LOG_RETENTION_DAYS`, and their attempt logs,
 * are deleted hourly, in bounded batches (`purgeInRounds`).
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
    const purged = await purgeInRounds(step, (limit) =>
      purgeWebhookLogs(db, { retentionDays, limit }),
    );
    return { purged, retentionDays };
  },
);
