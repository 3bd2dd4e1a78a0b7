import { db } from "@/db/client";
import { domainEvents, inngest } from "@/inngest/client";
import { scopeOf } from "@/inngest/event-scope";
import { relayEvents } from "@/inngest/relay";
import { recordProviderOutcome, startSubmission, submitToProvider } from "@/lib/payouts/submission";

/**
 * A recipient claimed: the payout goes to `processing` (funds to in-transit), then to
 * its provider under the payout's attempt-qualified id, then takes the provider's
 * answer. A payout the provider is still working on is left to the poll sweep.
 */
export const submitPayout = inngest.createFunction(
  {
    id: "submit-payout",
    name: "Submit a claimed payout to its provider",
    triggers: [{ event: domainEvents["payout.claimed"] }],
    concurrency: { key: "event.data.object.id", limit: 1 },
    retries: 10,
  },
  async ({ event, step }) => {
    const scope = scopeOf(event.data);
    const submission = await step.run("start-submission", async () => {
      const started = await startSubmission(db, scope, event.data.object.id);
      await relayEvents();
      return started;
    });
    if (!submission) return { status: "not_claimed" };
    const result = await step.run("submit-to-provider", () =>
      submitToProvider(db, scope, submission),
    );
    if (!result) return { status: "superseded" };
    const status = await step.run("record-outcome", async () => {
      const recorded = await recordProviderOutcome(db, scope, submission, result);
      await relayEvents();
      return recorded;
    });
    return { status, attempt: submission.attempt };
  },
);
