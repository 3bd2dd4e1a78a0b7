import { db } from "@/db/client";
import { batchFanOutRequested, inngest } from "@/inngest/client";
import { batchesAwaitingFanOut } from "@/lib/batches/fan-out";

/**
 * Requests the fan-out of campaigns that should be fanning out but are not: approved
 * ones (approval writes no event) and ones whose fan-out stopped.
 */
export const resumeBatchFanOuts = inngest.createFunction(
  {
    id: "resume-batch-fan-outs",
    name: "Resume campaign fan-outs",
    triggers: [{ cron: "* * * * *" }],
    concurrency: { limit: 1 },
  },
  async ({ step }) => {
    const batches = await step.run("find-unfinished-batches", () => batchesAwaitingFanOut(db));
    if (batches.length === 0) return { requested: 0 };
    await step.sendEvent(
      "request-fan-outs",
      batches.map((b) =>
        batchFanOutRequested.create({
          organisation_id: b.organisationId,
          mode: b.mode,
          batch_id: b.batchId,
        }),
      ),
    );
    return { requested: batches.length };
  },
);
