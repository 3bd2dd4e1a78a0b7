import { batchFanOutRequested, domainEvents, inngest } from "@/inngest/client";

/** A campaign created without needing approval starts its fan-out at once. */
export const startBatchFanOut = inngest.createFunction(
  {
    id: "start-batch-fan-out",
    name: "Start a new campaign's fan-out",
    triggers: [
      { event: domainEvents["batch.created"], if: "event.data.object.status == 'processing'" },
    ],
  },
  async ({ event, step }) => {
    await step.sendEvent(
      "request-fan-out",
      batchFanOutRequested.create({
        organisation_id: event.data.organisation_id,
        mode: event.data.mode,
        batch_id: event.data.object.id,
      }),
    );
  },
);
