import { db } from "@/db/client";
import { domainEvents, inngest } from "@/inngest/client";
import { scopeOf } from "@/inngest/event-scope";
import { sendPayoutFailedNotice } from "@/lib/claims/failure-notice";

/** A failed or returned payout: the recipient is asked to pick another method. */
export const notifyPayoutFailed = inngest.createFunction(
  {
    id: "notify-payout-failed",
    name: "Ask the recipient to pick another method",
    triggers: [
      { event: domainEvents["payout.failed"] },
      { event: domainEvents["payout.returned"] },
    ],
  },
  async ({ event, step }) =>
    step.run("send-failure-notice", () =>
      sendPayoutFailedNotice(db, scopeOf(event.data), event.data.object.id),
    ),
);
