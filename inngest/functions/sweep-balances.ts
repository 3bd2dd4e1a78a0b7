import { db } from "@/db/client";
import { inngest } from "@/inngest/client";
import { relayEvents } from "@/inngest/relay";
import { checkBalance, watchedBalances } from "@/lib/balance-monitor";

/**
 * Checks every watched balance every five minutes, so crossings caused by money coming
 * back (expiries, cancellations) re-arm the alert even though no check ran for them.
 */
export const sweepBalances = inngest.createFunction(
  {
    id: "sweep-balances",
    name: "Check every watched balance",
    triggers: [{ cron: "*/5 * * * *" }],
    concurrency: { limit: 1 },
  },
  async ({ step }) =>
    step.run("check-watched-balances", async () => {
      let raised = 0;
      for (const balance of await watchedBalances(db)) {
        const check = await checkBalance(
          db,
          { organisationId: balance.organisationId, mode: balance.mode },
          balance.currency,
        );
        raised += check.raised.length;
      }
      await relayEvents();
      return { raised };
    }),
);
