import { db } from "@/db/client";
import { domainEvents, inngest } from "@/inngest/client";
import { scopesOf } from "@/inngest/event-scope";
import { relayEvents } from "@/inngest/relay";
import { sendInvites } from "@/lib/claims/invites";
import { preparePayouts } from "@/lib/payouts/prepare-payouts";

/**
 * Payouts created on their own (a campaign's payouts go through its fan-out): screening,
 * then a claim link and the invite email, or a hold for review, or a block that cancels
 * it and releases its funds. Payouts created one by one through the API arrive in bursts,
 * so they are taken in batches per organisation: one run and two steps for up to 100 of
 * them, instead of a run of three calls each.
 */
export const preparePayout = inngest.createFunction(
  {
    id: "prepare-payout",
    name: "Screen payouts and invite their recipients",
    batchEvents: { maxSize: 100, timeout: "1s", key: "event.data.organisation_id" },
    triggers: [{ event: domainEvents["payout.created"], if: "event.data.object.batch_id == null" }],
  },
  async ({ events, step }) => {
    const outcomes = [];
    for (const { scope, events: group } of scopesOf(events)) {
      const payoutIds = group.map((event) => event.data.object.id);
      const label = `${scope.organisationId}-${scope.mode}`;
      const prepared = await step.run(`screen-and-issue-links-${label}`, async () => {
        const result = await preparePayouts(db, scope, payoutIds);
        await relayEvents();
        // Ids only: a link's token must not sit in the run's state.
        return {
          claimable: result.links.map((link) => link.payoutId),
          review: result.review,
          canceled: result.canceled,
        };
      });
      const invites =
        prepared.claimable.length > 0
          ? await step.run(`send-invites-${label}`, () =>
              sendInvites(db, scope, prepared.claimable),
            )
          : null;
      outcomes.push({ ...prepared, invites });
    }
    return outcomes;
  },
);
