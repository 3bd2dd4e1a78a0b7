import { db } from "@/db/client";
import { inngest, reconciliationRequested } from "@/inngest/client";
import { scopeOf } from "@/inngest/event-scope";
import { relayEvents } from "@/inngest/relay";
import { loadLiveProviders } from "@/lib/providers/credentials";
import {
  previousDay,
  reconcileProviderDay,
  reconciliationTargets,
} from "@/lib/providers/reconciliation";

const SEND_AT_ONCE = 1_000;

/**
 * Every night: one reconciliation of yesterday per organisation and connected provider. At
 * 04:30 UTC: the day runs to 01:00 with its margin, and PayPal's reporting lags up to 3 hours.
 */
export const requestDailyReconciliation = inngest.createFunction(
  {
    id: "request-daily-reconciliation",
    name: "Request the daily provider reconciliation",
    triggers: [{ cron: "30 4 * * *" }],
    concurrency: { limit: 1 },
  },
  async ({ step }) => {
    const targets = await step.run("find-connected-providers", () => reconciliationTargets(db));
    if (targets.length === 0) return { requested: 0 };
    const period = previousDay();
    // Inngest takes at most 5,000 events per send: one send per thousand targets.
    for (let from = 0; from < targets.length; from += SEND_AT_ONCE) {
      await step.sendEvent(
        `request-reconciliations-${from / SEND_AT_ONCE}`,
        targets.slice(from, from + SEND_AT_ONCE).map((t) =>
          reconciliationRequested.create({
            organisation_id: t.organisationId,
            mode: t.mode,
            provider: t.provider,
            period,
          }),
        ),
      );
    }
    return { requested: targets.length, period };
  },
);

/** One provider's day for one organisation; its differences become stored, logged exceptions. */
export const reconcileProvider = inngest.createFunction(
  {
    id: "reconcile-provider",
    name: "Reconcile a provider's day with the ledger",
    triggers: [reconciliationRequested],
    idempotency: "event.data.organisation_id + '-' + event.data.provider + '-' + event.data.period",
    concurrency: { limit: 2 },
    retries: 5,
  },
  async ({ event, step }) =>
    step.run("reconcile", async () => {
      const scope = scopeOf(event.data);
      const adapter = (await loadLiveProviders(db, scope))[event.data.provider];
      if (!adapter) return { skipped: "not_connected" };
      const result = await reconcileProviderDay(
        db,
        scope,
        event.data.provider,
        adapter,
        event.data.period,
      );
      await relayEvents();
      return result;
    }),
);
