import { db } from "@/db/client";
import { inngest, providerEventReceived } from "@/inngest/client";
import { scopeOf } from "@/inngest/event-scope";
import { relayEvents } from "@/inngest/relay";
import { applyProviderEvent, unappliedProviderEvents } from "@/lib/providers/webhooks";

/** A recorded provider webhook, applied through the payout machine (or credited, for a top-up). */
export const applyProviderEventFunction = inngest.createFunction(
  {
    id: "apply-provider-event",
    name: "Apply a provider webhook",
    triggers: [providerEventReceived],
    idempotency: "event.data.event_id",
    retries: 10,
  },
  async ({ event, step }) =>
    step.run("apply", async () => {
      const outcome = await applyProviderEvent(db, scopeOf(event.data), event.data.event_id);
      await relayEvents();
      return outcome;
    }),
);

/** Provider webhooks recorded but never applied (the nudge after recording was lost). */
export const applyProviderEventsSweep = inngest.createFunction(
  {
    id: "apply-provider-events-sweep",
    name: "Apply provider webhooks left behind",
    triggers: [{ cron: "* * * * *" }],
    concurrency: { limit: 1 },
  },
  async ({ step }) =>
    step.run("apply-left-behind", async () => {
      const rows = await unappliedProviderEvents(db);
      for (const row of rows) {
        await applyProviderEvent(
          db,
          { organisationId: row.organisationId, mode: row.mode },
          row.id,
        );
      }
      await relayEvents();
      return { applied: rows.length };
    }),
);
