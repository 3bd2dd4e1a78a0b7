import { db } from "@/db/client";
import { inngest, webhookDeliveriesDue } from "@/inngest/client";
import { attemptDelivery, claimDueDeliveries } from "@/lib/webhooks/delivery";
import { notifyEndpointDisabled } from "@/lib/webhooks/endpoint-disabled-notice";

/** Deliveries taken per run; a full batch asks for more runs at once. */
export const DELIVERIES_PER_RUN = 20;
/** Runs of this function at once; each holds its own deliveries under a lease. */
const RUNS = 4;

/**
 * Sends the webhook deliveries that are due: first attempts (nudged by the relay) and
 * retries whose time has come (the minute cron). The schedule lives in PostgreSQL, so
 * each run is short. Each attempt is its own step keyed by delivery and attempt number;
 * a run's attempts go in parallel, and a run that found a full batch asks for more
 * runs, so a backlog is worked by every allowed run at once.
 */
export const deliverWebhooks = inngest.createFunction(
  {
    id: "deliver-webhooks",
    name: "Deliver due webhooks",
    triggers: [{ cron: "* * * * *" }, { event: webhookDeliveriesDue }],
    concurrency: { limit: RUNS },
  },
  async ({ step }) => {
    const due = await step.run("claim-due-deliveries", () =>
      claimDueDeliveries(db, { limit: DELIVERIES_PER_RUN }),
    );
    if (due.length === DELIVERIES_PER_RUN) {
      // Enough nudges to fill every allowed run, with ids fixed per second: full runs
      // finishing in the same second send the same ids, which Inngest drops, so a
      // backlog never piles up idle runs behind the concurrency limit.
      const second = Math.floor(Date.now() / 1000);
      await step.sendEvent(
        "more-deliveries-due",
        Array.from({ length: RUNS }, (_, k) =>
          webhookDeliveriesDue.create(
            { reason: "backlog" },
            { id: `webhook-backlog:${second}:${k}` },
          ),
        ),
      );
    }
    const outcomes = await Promise.all(
      due.map((delivery) =>
        step.run(`deliver-${delivery.id}-attempt-${delivery.attemptNumber}`, () =>
          attemptDelivery(db, delivery),
        ),
      ),
    );
    const counts: Record<string, number> = {};
    for (const outcome of outcomes) {
      counts[outcome.status] = (counts[outcome.status] ?? 0) + 1;
      const disabled = outcome.disabledEndpoint;
      if (disabled) {
        await step.run(`notify-endpoint-disabled-${disabled.endpointId}`, () =>
          notifyEndpointDisabled(db, disabled),
        );
      }
    }
    return counts;
  },
);
