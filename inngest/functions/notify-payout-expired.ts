import { db } from "@/db/client";
import { domainEvents, inngest } from "@/inngest/client";
import { scopeOf } from "@/inngest/event-scope";
import { sendPayoutExpiredNotice } from "@/lib/claims/expiry-notice";

/** An unclaimed payout expired: its recipient is told, and shown how to ask for a new link. */
export const notifyPayoutExpired = inngest.createFunction(
  {
    id: "notify-payout-expired",
    name: "Tell the recipient a payout expired",
    triggers: [{ event: domainEvents["payout.expired"] }],
  },
  async ({ event, step }) =>
    step.run("send-expiry-notice", () =>
      sendPayoutExpiredNotice(db, scopeOf(event.data), event.data.object.id),
    ),
);
