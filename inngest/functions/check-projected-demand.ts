import { db } from "@/db/client";
import { balanceDemandProjected, inngest } from "@/inngest/client";
import { scopeOf } from "@/inngest/event-scope";
import { relayEvents } from "@/inngest/relay";
import { checkBalance, summariseCheck } from "@/lib/balance-monitor";

/**
 * Work about to need funds was announced (a campaign being submitted): if `available`
 * cannot cover it, `balance.low` fires with the projected shortfall, before the work fails.
 */
export const checkProjectedDemand = inngest.createFunction(
  {
    id: "check-projected-demand",
    name: "Check a balance against upcoming work",
    triggers: [{ event: balanceDemandProjected }],
  },
  async ({ event, step }) =>
    step.run(`check-${event.data.currency}-demand`, async () => {
      const check = await checkBalance(db, scopeOf(event.data), event.data.currency, {
        demand: BigInt(event.data.amount),
      });
      await relayEvents();
      return summariseCheck(check);
    }),
);
