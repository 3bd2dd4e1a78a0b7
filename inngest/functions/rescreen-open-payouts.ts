import { db } from "@/db/client";
import { inngest, sanctionsListLoaded } from "@/inngest/client";
import { relayEvents } from "@/inngest/relay";
import { markRescreened, versionsAwaitingRescreen } from "@/lib/compliance/lists/load";
import { rescreenChunk, scopesWithOpenPayouts } from "@/lib/compliance/rescreen";

/**
 * After a list version is loaded (the event, or the sweep for loads made where no
 * engine was listening, such as `npm run compliance:load`), every open payout is
 * screened again, a chunk of 1,000 per step, and new matches are held. The versions are
 * marked done only when every scope was visited, so a failed run is taken up again.
 */
export const rescreenOpenPayouts = inngest.createFunction(
  {
    id: "rescreen-open-payouts",
    name: "Rescreen open payouts after a list update",
    triggers: [{ event: sanctionsListLoaded }, { cron: "*/10 * * * *" }],
    concurrency: { limit: 1 },
  },
  async ({ step }) => {
    const versions = await step.run("find-new-versions", async () =>
      (await versionsAwaitingRescreen(db)).map((v) => v.id),
    );
    if (versions.length === 0) return { rescreened: 0 };
    const scopes = await step.run("find-scopes-with-open-payouts", () => scopesWithOpenPayouts(db));
    let held = 0;
    let screened = 0;
    for (const scope of scopes) {
      let after: string | null = null;
      for (let chunk = 0; ; chunk++) {
        const result = await step.run(
          `rescreen-${scope.organisationId}-${scope.mode}-${chunk}`,
          async () => {
            const r = await rescreenChunk(db, scope, after);
            await relayEvents();
            return r;
          },
        );
        held += result.held + result.canceled;
        screened += result.screened;
        after = result.nextAfter;
        if (after === null) break;
      }
    }
    await step.run("mark-versions-rescreened", async () => {
      for (const id of versions) await markRescreened(db, id);
    });
    return { versions, screened, held };
  },
);
