import { db } from "@/db/client";
import { inngest } from "@/inngest/client";
import { purgeInRounds } from "@/inngest/purge-rounds";
import { purgeMailContent } from "@/lib/mail";

/** Dev-mailbox mail loses its sealed content after the retention; its metadata stays. */
export const purgeMailContentSweep = inngest.createFunction(
  {
    id: "purge-mail-content",
    name: "Purge kept mail content",
    triggers: [{ cron: "*/15 * * * *" }],
    concurrency: { limit: 1 },
  },
  async ({ step }) => {
    return { purged: await purgeInRounds(step, (limit) => purgeMailContent(db, { limit })) };
  },
);
