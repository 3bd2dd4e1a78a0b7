import type { Scope } from "@/db/scope";
import { batchFanOutRequested, inngest } from "@/inngest/client";
import type { BatchRow } from "@/lib/batches/machine";

/**
 * Approval writes no domain event, so the approver's request starts the fan-out at once.
 * If the event cannot be sent now, the resume sweep requests it within a minute; the
 * fan-out itself is keyed by campaign, so a second request does no double work.
 */
export async function startCampaignFanOut(scope: Scope, batch: BatchRow): Promise<void> {
  if (batch.status !== "processing") return;
  try {
    await inngest.send(
      batchFanOutRequested.create({
        organisation_id: scope.organisationId,
        mode: scope.mode,
        batch_id: batch.id,
      }),
    );
  } catch (error) {
    console.warn("fan-out request deferred to the resume sweep", {
      batchId: batch.id,
      error: String(error),
    });
  }
}
