import { db } from "@/db/client";
import { domainEvents, inngest } from "@/inngest/client";
import { scopeOf } from "@/inngest/event-scope";
import { relayEvents } from "@/lib/events/relay";
import { sendInvites } from "@/lib/payout-flow/invites";
import { preparePayouts } from "@/lib/payouts/prepare-payouts";

/**
 * A payout created on its own (a campaign's payouts go through its fan-out): screening,
 * then a claim link and the invite email, or a hold for review, or a block that cancels
 * it and releases its funds.
 */
export const preparePayout = inngest.createFunction(
  {
    id: "prepare-payout",
    name: "Screen a payout and invite its recipient",
    triggers: [{ event: domainEvents["payout.created"], if: "event.data.object.batch_id == null" }],
  },
  async ({ event, step }) => {
    const scope = scopeOf(event.data);
    const payoutId = event.data.object.id;
    const prepared = await step.run("screen-and-issue-link", async () => {
      const result = await preparePayouts(db, scope, [payoutId]);
      await relayEvents();
      return {
        claimable: result.links.length > 0,
        review: result.review.length > 0,
        canceled: result.canceled.map((c) => c.reason),
      };
    });
    if (!prepared.claimable) return prepared;
    const invite = await step.run("send-invite", () => sendInvites(db, scope, [payoutId]));
    return { ...prepared, invite };
  },
);
