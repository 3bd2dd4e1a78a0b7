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
 *
 * Each prepare step also invites, at the same time, the links the step before it issued:
 * the database and this process both have work at once, and a chunk costs one call
 * instead of two. The invites only stop once a chunk that started after
 * the last links were issued finds fewer than a full chunk left.
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
    // Links are issued in payout-id order, so each invite goes on after the last payout
    // the one before it looked at (an id, never a token).
    const cursor: { after: string | null } = { after: null };
    let invites = 0;
    const invite = (from: string | null) =>
      sendMissingBatchInvites(db, scope, batchId, { limit: FAN_OUT_CHUNK, after: from });
    const prepareAndInvite = async (from: string | null, inviting: boolean) => {
      const [next, invited] = await Promise.all([
        prepareNextBatchChunk(db, scope, batchId),
        inviting ? invite(from) : null,
      ]);
      // Not awaited: the chunk's events reach Inngest while the next chunk is prepared
      // (concurrent calls fold into one more pass; the minute sweep is the safety net).
      void relayEvents();
      return { ...next, invited };
    };

    for (let chunk = 0; ; chunk++) {
      const from = cursor.after;
      const prepared = await step.run(`prepare-chunk-${chunk}`, () =>
        prepareAndInvite(from, chunk > 0),
      );
      if (prepared.invited) {
        cursor.after = prepared.invited.last;
        invites++;
      }
      if (prepared.done) break;
    }
    // Every link is issued now; invite until a chunk comes back short.
    for (let more = true; more; invites++) {
      const from = cursor.after;
      const invited = await step.run(`invite-chunk-${invites}`, () => invite(from));
      cursor.after = invited.last;
      more = invited.examined >= FAN_OUT_CHUNK;
    }
    return step.run("complete-batch", async () => {
      const { completed } = await finishBatchFanOut(db, scope, batchId);
      await relayEvents();
      return { completed, progress: await batchProgress(db, scope, batchId) };
    });
  },
);
