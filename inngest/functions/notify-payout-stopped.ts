import { db } from "@/db/client";
import { domainEvents, inngest } from "@/inngest/client";
import { scopeOf } from "@/inngest/event-scope";
import { sendPayoutStoppedNotice } from "@/lib/compliance/notices";

/** A payout compliance stopped (blocked by screening): its recipient is told, politely. */
export const notifyPayoutStopped = inngest.createFunction(
  {
    id: "notify-payout-stopped",
    name: "Tell the recipient a payout was stopped",
    triggers: [
      { event: domainEvents["payout.canceled"], if: "event.data.object.failure_reason != null" },
    ],
  },
  async ({ event, step }) =>
    step.run("send-stopped-notice", () =>
      sendPayoutStoppedNotice(db, scopeOf(event.data), event.data.object.id),
    ),
);
