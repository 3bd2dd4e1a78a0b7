import { inngest, webhookDeliveriesDue } from "@/inngest/client";
import { relayOutbox } from "@/inngest/relay";

/**
 * The outbox's safety net: producers relay right after their commit, and this sweep
 * forwards whatever a crash or an unreachable Inngest left behind.
 */
export const relayOutboxSweep = inngest.createFunction(
  {
    id: "relay-outbox",
    name: "Relay outbox events left behind",
    triggers: [{ cron: "* * * * *" }],
    concurrency: { limit: 1 },
  },
  async ({ step }) => {
    const relayed = await step.run("relay-unrelayed-events", () => relayOutbox());
    if (relayed.deliveries > 0) {
      await step.sendEvent(
        "nudge-webhook-deliveries",
        webhookDeliveriesDue.create({ reason: "sweep" }),
      );
    }
    return relayed;
  },
);
