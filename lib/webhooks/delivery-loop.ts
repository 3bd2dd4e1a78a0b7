import { and, asc, eq, gt, isNull, lt, lte, or } from "drizzle-orm";
import type { DbOrTx } from "@/db/client";
import { webhookDeliveries } from "@/db/schema";
import {
  type AttemptOutcome,
  claimAndTakeAttempts,
  DEFAULT_TIMEOUT_MS,
  ENDPOINT_CONCURRENCY,
  recordAttempts,
  releaseAttempts,
  type SentAttempt,
  sendAttempt,
  signersOf,
} from "./delivery";
import type { WebhookSender } from "./sender";

/** What one pass of the delivery loop did, small enough for a step's output. */
export type DeliveryPass = {
  /** Attempts taken, sent and logged (or found already made). */
  attempted: number;
  counts: Partial<Record<AttemptOutcome["status"], number>>;
  /** Endpoints this pass disabled: each organisation must be told. */
  disabledEndpoints: NonNullable<AttemptOutcome["disabledEndpoint"]>[];
  /** The budget ran out while deliveries were still being found due. */
  more: boolean;
};

export type DeliveryLoopOptions = {
  /** Stop taking new deliveries after this long; those in flight still finish and are logged. */
  budgetMs: number;
  /**
   * Attempts in hand at once (waiting for a connection or on the wire), across
   * endpoints; twice an endpoint's cap, so one endpoint never fills a loop.
   */
  maxInFlight?: number;
  timeoutMs?: number;
  sender?: WebhookSender;
};

/** How often a loop with requests in flight looks for newly due deliveries of other endpoints. */
const IDLE_POLL_MS = 100;

/**
 * Delivers what is due until nothing is, or the budget is spent: claims and takes due
 * attempts fairly across endpoints in one statement (`claimAndTakeAttempts`), keeps
 * up to `maxInFlight` requests going, and logs finished attempts in batches — one
 * transaction per endpoint, started as soon as the last one is done, so logging keeps
 * pace with sending. Each attempt keeps its own guard and log, keyed by (delivery,
 * attempt number), exactly as when attempts went one per step.
 */
export async function runDeliveryLoop(
  db: DbOrTx,
  options: DeliveryLoopOptions,
): Promise<DeliveryPass> {
  const deadline = Date.now() + options.budgetMs;
  const maxInFlight = options.maxInFlight ?? 2 * ENDPOINT_CONCURRENCY;
  const timeoutMs = options.timeoutMs ?? DEFAULT_TIMEOUT_MS;
  const pass: DeliveryPass = { attempted: 0, counts: {}, disabledEndpoints: [], more: false };
  const tally = (status: AttemptOutcome["status"]) => {
    pass.attempted++;
    pass.counts[status] = (pass.counts[status] ?? 0) + 1;
  };

  // Anything that lets the loop go on (a request finished, a log committed) wakes it.
  let wake: () => void = () => {};
  const progress = () => new Promise<void>((resolve) => (wake = resolve));

  let inFlight = 0;
  const finished: SentAttempt[] = [];
  // Taken but never sent (no connection came free in time): given back, not logged.
  const unsent: SentAttempt[] = [];
  let recording: Promise<void> | null = null;
  let failure: unknown = null;
  const record = () => {
    if (recording || (finished.length === 0 && unsent.length === 0)) return;
    const batch = finished.splice(0);
    const giveBack = unsent.splice(0);
    recording = Promise.all([recordAttempts(db, batch), releaseAttempts(db, giveBack)])
      .then(([outcomes]) => {
        for (const outcome of outcomes) {
          tally(outcome.status);
          if (outcome.disabledEndpoint) pass.disabledEndpoints.push(outcome.disabledEndpoint);
        }
      })
      .catch((error: unknown) => {
        failure ??= error;
      })
      .finally(() => {
        recording = null;
        record();
        wake();
      });
  };

  for (;;) {
    const waiting = progress();
    const free = maxInFlight - inFlight;
    const inBudget = Date.now() < deadline;
    let claimed = 0;
    if (inBudget && free > 0 && !failure) {
      // A claim that fails stops the pass, but what is in flight is still logged first:
      // an attempt sent and not logged would be sent again once its hold lapsed.
      const group = await claimAndTakeAttempts(db, { limit: free, timeoutMs }).catch(
        (error: unknown) => {
          failure ??= error;
          return { taken: [], canceled: new Set<string>(), claimed: 0 };
        },
      );
      const { taken, canceled } = group;
      claimed = group.claimed;
      for (const _ of canceled) tally("canceled");
      const signerOf = signersOf();
      for (const attempt of taken) {
        inFlight++;
        sendAttempt(attempt, signerOf(attempt), { timeoutMs, sender: options.sender })
          .then((sent) => (sent.result.notSent ? unsent : finished).push(sent))
          .catch((error: unknown) => {
            failure ??= error;
          })
          .finally(() => {
            inFlight--;
            // Its endpoint's slot frees when the attempt is logged; that wakes the loop.
            record();
          });
      }
    }
    const idle = inFlight === 0 && !recording && finished.length === 0 && unsent.length === 0;
    if (idle && (claimed === 0 || !inBudget || failure)) break;
    // Go on when a request or a log finishes; with room to spare, look again soon for
    // deliveries of other endpoints (or retries falling due) meanwhile.
    const pause = inBudget && claimed < free ? IDLE_POLL_MS : 1_000;
    await Promise.race([waiting, new Promise((resolve) => setTimeout(resolve, pause))]);
  }
  if (failure) throw failure;
  // Out of budget with deliveries still due: the caller runs another pass.
  pass.more = Date.now() >= deadline && (await anyDue(db));
  return pass;
}

/** Whether a delivery is due that no sender holds. */
async function anyDue(db: DbOrTx, now = new Date()): Promise<boolean> {
  const [row] = await db
    .select({ id: webhookDeliveries.id })
    .from(webhookDeliveries)
    .where(
      and(
        eq(webhookDeliveries.status, "scheduled"),
        lte(webhookDeliveries.nextAttemptAt, now),
        or(isNull(webhookDeliveries.lockedUntil), lt(webhookDeliveries.lockedUntil, now)),
      ),
    )
    .limit(1);
  return !!row;
}

/**
 * When the earliest retry not yet due falls due, if that is within `withinMs`: the
 * delivery function sleeps until then instead of leaving the retry to the minute sweep.
 */
export async function nextRetryDue(db: DbOrTx, options: { withinMs: number; now?: Date }) {
  const now = options.now ?? new Date();
  const [row] = await db
    .select({ at: webhookDeliveries.nextAttemptAt })
    .from(webhookDeliveries)
    .where(and(eq(webhookDeliveries.status, "scheduled"), gt(webhookDeliveries.nextAttemptAt, now)))
    .orderBy(asc(webhookDeliveries.nextAttemptAt))
    .limit(1);
  if (!row?.at || row.at.getTime() - now.getTime() > options.withinMs) return null;
  return row.at.toISOString();
}
