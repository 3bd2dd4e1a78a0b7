import { db } from "@/db/client";
import { appStarted, inngest } from "@/inngest/client";
import { relayEvents } from "@/inngest/relay";
import { pollProviderPayouts } from "@/lib/payouts/submission";

/**
 * Asks providers about payouts still in flight, and resubmits any that never got an
 * answer: every minute, and at start-up (when every unanswered submission is resumed
 * whatever its age, so a restart after a crash picks them up at once).
 */
export const pollProviderPayoutsSweep = inngest.createFunction(
  {
    id: "poll-provider-payouts",
    name: "Poll providers for payouts in flight",
    triggers: [{ cron: "* * * * *" }, appStarted],
    concurrency: { limit: 1 },
  },
  async ({ event, step }) =>
    step.run("poll-payouts-in-flight", async () => {
      const result = await pollProviderPayouts(db, { resume: event?.name === appStarted.name });
      await relayEvents();
      return result;
    }),
);
