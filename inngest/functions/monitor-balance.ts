import { db } from "@/db/client";
import { domainEvents, inngest } from "@/inngest/client";
import { scopesOf } from "@/inngest/event-scope";
import { checkBalance, summariseCheck } from "@/lib/balance-monitor";
import { relayEvents } from "@/lib/events/relay";

/**
 * Checks a balance whenever it moves (funding, new payouts or campaigns): `balance.low`
 * once per crossing. A burst of payouts checks each balance once per batch, not per payout.
 */
export const monitorBalance = inngest.createFunction(
  {
    id: "monitor-balance",
    name: "Watch a balance for low funds",
    batchEvents: { maxSize: 100, timeout: "1s", key: "event.data.organisation_id" },
    triggers: [
      { event: domainEvents["balance.funded"] },
      { event: domainEvents["batch.created"] },
      { event: domainEvents["payout.created"], if: "event.data.object.batch_id == null" },
    ],
  },
  async ({ events, step }) => {
    const checks = [];
    for (const { scope, events: group } of scopesOf(events)) {
      const currencies = new Set(
        group.map(({ data }) => ("object" in data ? data.object.currency : data.currency)),
      );
      for (const currency of currencies) {
        checks.push(
          await step.run(
            `check-${scope.organisationId}-${scope.mode}-${currency}-balance`,
            async () => {
              const check = await checkBalance(db, scope, currency);
              await relayEvents();
              return summariseCheck(check);
            },
          ),
        );
      }
    }
    return checks;
  },
);
