import { db } from "@/db/client";
import { domainEvents, inngest } from "@/inngest/client";
import { scopeOf } from "@/inngest/event-scope";
import { sendPayoutExpiredNotice } from "@/lib/claims/expiry-notice";

/** Notices sent at once within a batch: enough to overlap their queries, within the pool. */
const AT_ONCE = 8;

/**
 * Unclaimed payouts expired: each recipient is told, and shown how to ask for a new link.
 * Batched per organisation: a 100,000-payout campaign expires in one sweep, and a run per
 * payout would be 100,000 runs (each notice is keyed per payout, so a retried batch sends
 * none twice).
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
      let sent = 0;
      for (let from = 0; from < events.length; from += AT_ONCE) {
        const outcomes = await Promise.all(
          events
            .slice(from, from + AT_ONCE)
            .map((event) => sendPayoutExpiredNotice(db, scopeOf(event.data), event.data.object.id)),
        );
        sent += outcomes.filter((o) => o !== "not_needed").length;
      }
      return { notices: sent };
    }),
);
