import { db } from "@/db/client";
import { domainEvents, inngest } from "@/inngest/client";
import { scopeOf } from "@/inngest/event-scope";
import { sendInvites } from "@/lib/claims/invites";

/** A payout a reviewer cleared got a fresh link; its recipient is invited now. */
export const inviteReviewedPayout = inngest.createFunction(
  {
    id: "invite-reviewed-payout",
    name: "Invite the recipient of a reviewed payout",
    triggers: [
      {
        event: domainEvents["payout.claimable"],
        if: "event.data.previous_status == 'awaiting_review'",
      },
    ],
  },
  async ({ event, step }) =>
    step.run("send-invite", () => sendInvites(db, scopeOf(event.data), [event.data.object.id])),
);
