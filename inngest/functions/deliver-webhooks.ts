import { db } from "@/db/client";
import { inngest, webhookDeliveriesDue } from "@/inngest/client";
import { deliverDueDeliveries } from "@/lib/webhooks/delivery";
import { notifyEndpointDisabled } from "@/lib/webhooks/endpoint-disabled-notice";

/** Deliveries taken per step; a full step means more may be due. */
export const DELIVERIES_PER_STEP = 50;
/** Runs of this function at once; each holds its own deliveries under a lease. */
const RUNS = 4;
/** Delivery steps a run takes before handing the rest of a backlog to a successor. */
const STEPS_PER_RUN = 200;

/**
 * Sends the webhook deliveries that are due: first attempts (nudged by the relay) and
 * retries whose time has come (the minute cron). The schedule lives in PostgreSQL. A run
 * keeps taking steps of due deliveries until one finds none, so a backlog drains
 * at the pace of the attempts themselves, however fast runs finish. Each step takes a
 * group of deliveries and makes their attempts in parallel; every attempt is still
 * guarded and logged per (delivery, attempt number).
 *
 * A run that finds a backlog asks for helper runs to fill the concurrency limit, with
 * ids of its own run (unique, yet the same if that step is retried); helpers ask for
 * none, so a backlog never piles up idle runs. A run that used its step budget hands
 * the rest to one successor the same way.
 */
export const deliverWebhooks = inngest.createFunction(
  {
    id: "deliver-webhooks",
    name: "Deliver due webhooks",
    triggers: [{ cron: "* * * * *" }, { event: webhookDeliveriesDue }],
    concurrency: { limit: RUNS },
  },
  async ({ event, step, runId }) => {
    const helper = event.name === webhookDeliveriesDue.name && event.data.reason === "backlog";
    const counts: Record<string, number> = {};
    for (let round = 0; round < STEPS_PER_RUN; round++) {
      const pass = await step.run(`deliver-due-${round}`, () =>
        deliverDueDeliveries(db, { limit: DELIVERIES_PER_STEP }),
      );
      for (const [status, n] of Object.entries(pass.counts))
        counts[status] = (counts[status] ?? 0) + n;
      for (const disabled of pass.disabledEndpoints) {
        await step.run(`notify-endpoint-disabled-${disabled.endpointId}`, () =>
          notifyEndpointDisabled(db, disabled),
        );
      }
      // A short step may only mean an endpoint is at its cap; an empty one means done.
      if (pass.claimed === 0) return counts;
      if (round === 0 && !helper && pass.claimed === DELIVERIES_PER_STEP) {
        await step.sendEvent(
          "more-deliveries-due",
          Array.from({ length: RUNS - 1 }, (_, k) =>
            webhookDeliveriesDue.create(
              { reason: "backlog" },
              { id: `webhook-backlog:${runId}:${k}` },
            ),
          ),
        );
      }
    }
    await step.sendEvent(
      "hand-over-backlog",
      webhookDeliveriesDue.create({ reason: "backlog" }, { id: `webhook-backlog:${runId}` }),
    );
    return counts;
  },
);
