import { db } from "@/db/client";
import { domainEvents, inngest } from "@/inngest/client";
import { scopesOf } from "@/inngest/event-scope";
import { relayEvents } from "@/inngest/relay";
import { checkBalance, summariseCheck } from "@/lib/balance-monitor";

/**
 * Checks a balance whenever it moves (funding, new payouts or campaigns): `balance.low`
 * once per crossing. A burst of payouts checks each balance once per batch, not per payout.
 * No steps: a check is idempotent (an alert is raised once per crossing whatever runs it),
 * so a retry simply checks again, and the run costs one call to the app instead of two.
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
  async ({ events }) => {
    const checks = [];
    for (const { scope, events: group } of scopesOf(events)) {
      const currencies = new Set(
        group.map(({ data }) => ("object" in data ? data.object.currency : data.currency)),
      );
      for (const currency of currencies) {
        checks.push({
          ...scope,
          currency,
          ...summariseCheck(await checkBalance(db, scope, currency)),
        });
      }
    }
    await relayEvents();
    return checks;
  },
);
