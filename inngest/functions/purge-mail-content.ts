import { db } from "@/db/client";
import { inngest } from "@/inngest/client";
import { purgeMailContent } from "@/lib/mail";

const PER_ROUND = 10_000;
const MAX_ROUNDS = 50;

/** Dev-mailbox mail loses its sealed content after the retention; its metadata stays. */
export const purgeMailContentSweep = inngest.createFunction(
  {
    id: "purge-mail-content",
    name: "Purge kept mail content",
    triggers: [{ cron: "*/15 * * * *" }],
    concurrency: { limit: 1 },
  },
  async ({ step }) => {
    let total = 0;
    for (let round = 0; round < MAX_ROUNDS; round++) {
      const purged = await step.run(`purge-round-${round}`, () =>
        purgeMailContent(db, { limit: PER_ROUND }),
      );
      total += purged;
      if (purged < PER_ROUND) break;
    }
    return { purged: total };
  },
);
