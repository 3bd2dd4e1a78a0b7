import { type DbOrTx, db as defaultDb } from "@/db/client";
import { relayPendingEvents, type SendEvents } from "@/lib/events/relay";
import { logError } from "@/lib/log";
import { inngest, webhookDeliveriesDue } from "./client";
import { rerunnable } from "./engine/rerunnable";

/** The app's Inngest client as the relay's destination. */
const sendToInngest: SendEvents = async (batch) => {
  await inngest.send(batch);
};

/** Relays everything unrelayed to the app's Inngest: the minute sweep's work. */
export function relayOutbox(db: DbOrTx = defaultDb) {
  return relayPendingEvents(db, sendToInngest);
}

const relayAfterCommit = rerunnable(async () => {
  try {
    const { deliveries } = await relayOutbox();
    if (deliveries > 0) await inngest.send(webhookDeliveriesDue.create({ reason: "relay" }));
  } catch (error) {
    logError("relay: outbox left to the sweep", error);
  }
});

/**
 * Relays whatever the outbox holds, right after a producer's commit. Cheap to call
 * often: calls that arrive while a relay runs fold into one more pass, and it never
 * throws, because a row it could not send stays unrelayed for the minute sweep.
 * When it created webhook deliveries it nudges the delivery sweep to start now.
 */
export function relayEvents(): Promise<void> {
  // Neither a dev server nor an event key: a send could only fail, so the rows wait.
  if (inngest.mode !== "dev" && !inngest.eventKey) return Promise.resolve();
  return relayAfterCommit.run();
}

/**
 * Starts the delivery loop now for deliveries written outside the outbox's fan-out (a
 * replay, a test event), once they have committed; the minute sweep would otherwise find
 * them. Never throws: the sweep is the safety net.
 */
export async function wakeDeliveryLoop(reason: string): Promise<void> {
  if (inngest.mode !== "dev" && !inngest.eventKey) return;
  await inngest.send(webhookDeliveriesDue.create({ reason })).catch((error: unknown) => {
    logError("webhooks: delivery loop left to the sweep", error);
  });
}
