import { db } from "@/db/client";
import { inngest, webhookDeliveriesDue } from "@/inngest/client";
import { nextRetryDue, runDeliveryLoop } from "@/lib/webhooks/delivery-loop";
import { notifyEndpointDisabled } from "@/lib/webhooks/endpoint-disabled-notice";

/** Runs of this function at once; each keeps its own requests in flight. */
const RUNS = 4;
/** How long one step keeps taking due deliveries (those in flight then finish, ≤ 15 s). */
export const LOOP_BUDGET_MS = 5_000;
/** The first pass is short, so a run that meets a backlog calls in helpers at once. */
const FIRST_PASS_MS = 1_000;
/** Delivery steps per run before a successor takes over: runs stay far below 1,000 steps. */
const PASSES_PER_RUN = 24;
/** Disabling notices sent as steps of their own per pass; more go in one step. */
const NOTICE_STEPS_PER_PASS = 16;
/**
 * Retries due within this long get a wake-up of their own; later ones are left to the
 * minute sweep, which is then late by at most a minute: under 10 % of any wait that long.
 */
const WAKE_WITHIN_MS = 10 * 60_000;

/**
 * Sends the webhook deliveries that are due: first attempts (nudged by the relay or a
 * replay), retries (woken at their due time), and anything a crash left (the minute
 * cron, the safety net). The schedule lives in PostgreSQL; Inngest only wakes the loop.
 *
 * Each step is one pass of the delivery loop (lib/webhooks/delivery-loop.ts): for up to
 * `LOOP_BUDGET_MS` it claims due attempts fairly across endpoints, keeps requests in
 * flight, and logs attempts in batches. A run keeps taking passes while deliveries are
 * still due, so a backlog drains at the loop's pace however fast runs finish; after
 * `PASSES_PER_RUN` it hands over to a successor whose event id is its own run's (unique,
 * yet the same if that step is retried). A run that found a backlog at once asks for
 * helper runs up to the concurrency limit (with ids of its own run too); helpers ask
 * for none, so idle runs never pile up.
 *
 * When nothing is left due, the run looks up the next retry and sends an event that
 * wakes a run at that moment (a future `ts`, and a sleep until then for engines that
 * start runs at once), keyed by that moment so every run finishing before it asks for
 * the same wake-up.
 */
export const deliverWebhooks = inngest.createFunction(
  {
    id: "deliver-webhooks",
    name: "Deliver due webhooks",
    triggers: [{ cron: "* * * * *" }, { event: webhookDeliveriesDue }],
    concurrency: { limit: RUNS },
  },
  async ({ event, step, runId }) => {
    const nudge = event.name === webhookDeliveriesDue.name ? event.data : null;
    if (nudge?.at) await step.sleepUntil("until-retry-due", nudge.at);
    const counts: Record<string, number> = {};
    for (let round = 0; round < PASSES_PER_RUN; round++) {
      const pass = await step.run(`deliver-due-${round}`, () =>
        runDeliveryLoop(db, { budgetMs: round === 0 ? FIRST_PASS_MS : LOOP_BUDGET_MS }),
      );
      for (const [status, n] of Object.entries(pass.counts)) {
        counts[status] = (counts[status] ?? 0) + (n ?? 0);
      }
      // A step per notice keeps their retries apart; a mass disabling in one pass (an
      // outage behind many endpoints) goes in one step, so a run stays far below Inngest's
      // 1,000 steps. Each email is keyed, so a retried step sends none twice.
      const disabled = pass.disabledEndpoints;
      if (disabled.length > NOTICE_STEPS_PER_PASS) {
        await step.run(`notify-endpoints-disabled-${round}`, async () => {
          for (const notice of disabled) await notifyEndpointDisabled(db, notice);
        });
      } else {
        for (const notice of disabled) {
          await step.run(`notify-endpoint-disabled-${notice.endpointId}`, () =>
            notifyEndpointDisabled(db, notice),
          );
        }
      }
      if (!pass.more) {
        const at = await step.run("next-retry-due", () =>
          nextRetryDue(db, { withinMs: WAKE_WITHIN_MS }),
        );
        if (at) {
          await step.sendEvent(
            "wake-at-next-retry",
            webhookDeliveriesDue.create(
              { reason: "retry", at },
              { id: `webhook-retry:${at}`, ts: Date.parse(at) },
            ),
          );
        }
        return counts;
      }
      if (round === 0 && nudge?.reason !== "backlog") {
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
