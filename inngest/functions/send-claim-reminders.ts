import { db } from "@/db/client";
import { inngest, sweepBacklog } from "@/inngest/client";
import { type ReminderCursor, sendDueReminders } from "@/lib/claims/reminders";

const PER_ROUND = 500;
const MAX_ROUNDS = 40;

/**
 * Reminds recipients of unclaimed payouts before their link expires (7 days and 1 day
 * before). A run sends up to 20,000; with more due (a 100,000-payout campaign's links
 * share their window) it hands the rest to a successor at once, so the last reminder
 * goes out minutes after the first, not five hourly sweeps later.
 */
export const sendClaimReminders = inngest.createFunction(
  {
    id: "send-claim-reminders",
    name: "Remind recipients before their link expires",
    triggers: [
      { cron: "17 * * * *" },
      { event: sweepBacklog, if: "event.data.sweep == 'send-claim-reminders'" },
    ],
    concurrency: { limit: 1 },
  },
  async ({ step, runId }) => {
    let total = 0;
    // Each round goes on after the payouts the one before looked at (ids, per window).
    const cursor: { after: ReminderCursor } = { after: {} };
    for (let round = 0; round < MAX_ROUNDS; round++) {
      const from = cursor.after;
      const { reminded, after } = await step.run(`remind-round-${round}`, () =>
        sendDueReminders(db, { limit: PER_ROUND, after: from }),
      );
      cursor.after = after;
      total += reminded;
      if (reminded < PER_ROUND) return { reminded: total };
    }
    await step.sendEvent(
      "hand-over-backlog",
      sweepBacklog.create({ sweep: "send-claim-reminders" }, { id: `sweep-backlog:${runId}` }),
    );
    return { reminded: total, handedOver: true };
  },
);
