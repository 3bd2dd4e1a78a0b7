import { db } from "@/db/client";
import { domainEvents, inngest } from "@/inngest/client";
import { scopesOf } from "@/inngest/event-scope";
import { sendPayoutExpiredNotices } from "@/lib/claims/expiry-notice";

/**
 * Unclaimed payouts expired: each recipient is told, and shown how to ask for a new link.
 * Batched per organisation: a 100,000-payout campaign expires in one sweep, and a run per
 * payout would be 100,000 runs. A batch's notices are written together (each keyed per
 * payout, so a retried batch sends none twice).
 */
export const notifyPayoutExpired = inngest.createFunction(
  {
    id: "notify-payout-expired",
    name: "Tell the recipient a payout expired",
    batchEvents: { maxSize: 100, timeout: "1s", key: "event.data.organisation_id" },
    triggers: [{ event: domainEvents["payout.expired"] }],
  },
  async ({ events, step }) =>
    step.run("send-expiry-notices", async () => {
      let notices = 0;
      for (const { scope, events: group } of scopesOf(events)) {
        const ids = group.map((event) => event.data.object.id);
        const counts = await sendPayoutExpiredNotices(db, scope, ids);
        notices += counts.sent + counts.stored;
      }
      return { notices };
    }),
);
