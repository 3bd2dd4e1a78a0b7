import { db } from "@/db/client";
import { inngest } from "@/inngest/client";
import { sendDueReminders } from "@/lib/claims/reminders";

const PER_ROUND = 500;
const MAX_ROUNDS = 40;

/** Reminds recipients of unclaimed payouts before their link expires (7 days and 1 day before). */
export const sendClaimReminders = inngest.createFunction(
  {
    id: "send-claim-reminders",
    name: "Remind recipients before their link expires",
    triggers: [{ cron: "17 * * * *" }],
    concurrency: { limit: 1 },
  },
  async ({ step }) => {
    let total = 0;
    for (let round = 0; round < MAX_ROUNDS; round++) {
      const { reminded } = await step.run(`remind-round-${round}`, () =>
        sendDueReminders(db, { limit: PER_ROUND }),
      );
      total += reminded;
      if (reminded < PER_ROUND) break;
    }
    return { reminded: total };
  },
);
