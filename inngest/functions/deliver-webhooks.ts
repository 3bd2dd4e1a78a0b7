import { db } from "@/db/client";
import { inngest, webhookDeliveriesDue } from "@/inngest/client";
import { attemptDelivery, claimDueDeliveries } from "@/lib/webhooks/delivery";
import { notifyEndpointDisabled } from "@/lib/webhooks/endpoint-disabled-notice";

/** Deliveries taken per run; a full batch asks for another run at once. */
export const DELIVERIES_PER_RUN = 50;

/**
 * Sends the webhook deliveries that are due: first attempts (nudged by the relay) and
 * retries whose time has come (the minute cron). The schedule lives in PostgreSQL, so
 * each run is short. Each attempt is its own step keyed by delivery and attempt number.
 */
export const deliverWebhooks = inngest.createFunction(
  {
    id: "deliver-webhooks",
    name: "Deliver due webhooks",
    triggers: [{ cron: "* * * * *" }, { event: webhookDeliveriesDue }],
    concurrency: { limit: 4 },
  },
  async ({ step }) => {
    const due = await step.run("claim-due-deliveries", () =>
      claimDueDeliveries(db, { limit: DELIVERIES_PER_RUN }),
    );
    const counts: Record<string, number> = {};
    // One after another: runs of this function overlap (up to the concurrency limit), so
    // several deliveries are in flight, while one run never floods a slow endpoint.
    for (const delivery of due) {
      const outcome = await step.run(
        `deliver-${delivery.id}-attempt-${delivery.attemptNumber}`,
        () => attemptDelivery(db, delivery),
      );
      counts[outcome.status] = (counts[outcome.status] ?? 0) + 1;
      const disabled = outcome.disabledEndpoint;
      if (disabled) {
        await step.run(`notify-endpoint-disabled-${disabled.endpointId}`, () =>
          notifyEndpointDisabled(db, disabled),
        );
      }
    }
    if (due.length === DELIVERIES_PER_RUN) {
      await step.sendEvent(
        "more-deliveries-due",
        webhookDeliveriesDue.create({ reason: "backlog" }),
      );
    }
    return counts;
  },
);
