import { db } from "@/db/client";
import { batchFanOutRequested, inngest } from "@/inngest/client";
import { scopeOf } from "@/inngest/event-scope";
import { relayEvents } from "@/inngest/relay";
import { FAN_OUT_CHUNK, finishBatchFanOut, prepareNextBatchChunk } from "@/lib/batches/fan-out";
import { sendMissingBatchInvites } from "@/lib/claims/invites";
import { batchProgress } from "@/lib/payouts/queries";

/**
 * A campaign's fan-out: screens its payouts and issues their links a chunk at a time,
 * invites them a chunk at a time, then completes the campaign (`batch.completed`).
 * Every chunk is a step that works from the database's state (the next pending payouts,
 * the next uninvited links), so a retry or a second request resumes where the last
 * stopped; one run per campaign at a time.
 */
export const batchFanOut = inngest.createFunction(
  {
    id: "batch-fan-out",
    name: "Fan out a campaign",
    triggers: [{ event: batchFanOutRequested }],
    concurrency: { key: "event.data.batch_id", limit: 1 },
  },
  async ({ event, step }) => {
    const scope = scopeOf(event.data);
    const batchId = event.data.batch_id;

    for (let chunk = 0; ; chunk++) {
      const prepared = await step.run(`prepare-chunk-${chunk}`, async () => {
        const result = await prepareNextBatchChunk(db, scope, batchId);
        await relayEvents();
        return result;
      });
      if (prepared.done) break;
    }
    for (let chunk = 0; ; chunk++) {
      const { invited } = await step.run(`invite-chunk-${chunk}`, () =>
        sendMissingBatchInvites(db, scope, batchId, { limit: FAN_OUT_CHUNK }),
      );
      if (invited < FAN_OUT_CHUNK) break;
    }
    return step.run("complete-batch", async () => {
      const { completed } = await finishBatchFanOut(db, scope, batchId);
      await relayEvents();
      return { completed, progress: await batchProgress(db, scope, batchId) };
    });
  },
);
