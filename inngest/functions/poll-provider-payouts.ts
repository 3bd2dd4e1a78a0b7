import { db } from "@/db/client";
import { inngest } from "@/inngest/client";
import { relayEvents } from "@/inngest/relay";
import { pollProviderPayouts } from "@/lib/payouts/submission";

/** Asks providers about payouts still in flight, and resubmits any that never got an answer. */
export const pollProviderPayoutsSweep = inngest.createFunction(
  {
    id: "poll-provider-payouts",
    name: "Poll providers for payouts in flight",
    triggers: [{ cron: "* * * * *" }],
    concurrency: { limit: 1 },
  },
  async ({ step }) =>
    step.run("poll-payouts-in-flight", async () => {
      const result = await pollProviderPayouts(db);
      await relayEvents();
      return result;
    }),
);
