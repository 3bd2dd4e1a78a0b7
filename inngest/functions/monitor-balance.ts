import { db } from "@/db/client";
import { domainEvents, inngest } from "@/inngest/client";
import { scopeOf } from "@/inngest/event-scope";
import { checkBalance, summariseCheck } from "@/lib/balance-monitor";
import { relayEvents } from "@/lib/events/relay";

/** Checks a balance whenever it moves (funding, new payouts or campaigns): `balance.low` once per crossing. */
export const monitorBalance = inngest.createFunction(
  {
    id: "monitor-balance",
    name: "Watch a balance for low funds",
    triggers: [
      { event: domainEvents["balance.funded"] },
      { event: domainEvents["batch.created"] },
      { event: domainEvents["payout.created"], if: "event.data.object.batch_id == null" },
    ],
  },
  async ({ event, step }) => {
    const data = event.data;
    const currency = "object" in data ? data.object.currency : data.currency;
    return step.run(`check-${currency}-balance`, async () => {
      const check = await checkBalance(db, scopeOf(data), currency);
      await relayEvents();
      return summariseCheck(check);
    });
  },
);
