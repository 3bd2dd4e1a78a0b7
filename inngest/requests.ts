import type { Scope } from "@/db/scope";
import type { BatchRow } from "@/lib/batches/machine";
import { logError } from "@/lib/log";
import type { Currency } from "@/lib/money";
import { balanceDemandProjected, batchFanOutRequested, inngest } from "./client";

/**
 * Requests the background engine sends on behalf of a request (a dashboard action, an
 * API call), once what they are about is committed. They never throw: each has a sweep
 * or a later request behind it, so a request that could not be sent is only late.
 */

/** Neither a dev server nor an event key: a send could only fail (as in `relayEvents`). */
const canSend = () => inngest.mode === "dev" || Boolean(inngest.eventKey);

/**
 * Approval writes no domain event, so the approver's request starts the fan-out at once.
 * If the event cannot be sent now, the resume sweep requests it within a minute; the
 * fan-out itself is keyed by campaign, so a second request does no double work.
 */
export async function requestBatchFanOut(scope: Scope, batch: BatchRow): Promise<void> {
  if (batch.status !== "processing" || !canSend()) return;
  try {
    await inngest.send(
      batchFanOutRequested.create({
        organisation_id: scope.organisationId,
        mode: scope.mode,
        batch_id: batch.id,
      }),
    );
  } catch (error) {
    logError(`fan-out of ${batch.id} deferred to the resume sweep`, error);
  }
}

/**
 * A campaign needs more than `available` holds (previewed before it is submitted, or
 * refused for insufficient funds): the projected-demand check fires `balance.low` with
 * the shortfall, once per crossing, so whoever funds the balance hears of it before the
 * campaign goes (again).
 */
export async function projectBalanceDemand(
  scope: Scope,
  demand: { currency: Currency; amount: bigint },
): Promise<void> {
  if (!canSend()) return;
  try {
    await inngest.send(
      balanceDemandProjected.create({
        organisation_id: scope.organisationId,
        mode: scope.mode,
        currency: demand.currency,
        amount: Number(demand.amount),
      }),
    );
  } catch (error) {
    logError("projected balance demand not sent", error);
  }
}
