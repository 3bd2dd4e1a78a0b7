import { InngestTestEngine } from "@inngest/test";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { db } from "@/db/client";
import { balanceThresholds } from "@/db/schema";
import type { Scope } from "@/db/scope";
import { monitorBalance } from "@/inngest/functions/monitor-balance";
import { createPayout, createPayoutBodySchema } from "@/lib/payouts/create-payout";
import { serializePayout } from "@/lib/payouts/serialize";
import { fund, insertOrganisation } from "@/tests/payouts/fixtures";
import { type EventSink, eventOf, startEventSink } from "./harness";

let sink: EventSink;
beforeAll(async () => {
  sink = await startEventSink();
});
afterAll(async () => {
  await sink.close();
});

/** A funded organisation, optionally watched below `threshold`, and its payouts' events. */
async function organisationPaying(amounts: number[], threshold?: bigint) {
  const { scope } = await insertOrganisation(db);
  if (threshold !== undefined) {
    await db.insert(balanceThresholds).values({ ...scope, currency: "USD", amount: threshold });
  }
  await fund(db, scope, 10_000n);
  const created = [];
  for (const amount of amounts) {
    const row = await createPayout(
      db,
      scope,
      createPayoutBodySchema.parse({
        recipient: { email: `monitor${amount}@example.com`, country: "US" },
        amount,
        currency: "USD",
      }),
    );
    created.push(payoutCreated(scope, row));
  }
  return { scope, events: created };
}

function payoutCreated(scope: Scope, row: Parameters<typeof serializePayout>[0]) {
  return eventOf("payout.created", {
    organisation_id: scope.organisationId,
    mode: scope.mode,
    object: serializePayout(row),
    previous_status: null,
    reason: null,
  });
}

describe("monitor-balance", () => {
  it("checks each balance of a batch of payouts once, and raises balance.low once per crossing", async () => {
    const watched = await organisationPaying([3_000, 4_000], 5_000n);
    const unwatched = await organisationPaying([9_000]);
    const [first, ...rest] = [...watched.events, ...unwatched.events];
    if (!first) throw new Error("no events");
    const events: [typeof first, ...(typeof first)[]] = [first, ...rest];

    const { result } = await new InngestTestEngine({ function: monitorBalance, events }).execute();
    expect(result).toEqual([
      {
        ...watched.scope,
        currency: "USD",
        available: "3000",
        threshold: "5000",
        raised: ["below_threshold"],
        cleared: [],
      },
      {
        ...unwatched.scope,
        currency: "USD",
        available: "1000",
        threshold: null,
        raised: [],
        cleared: [],
      },
    ]);
    const low = (await sink.received("balance.low")).filter(
      ({ event }) => event.data.organisation_id === watched.scope.organisationId,
    );
    expect(low.map(({ event }) => event.data)).toMatchObject([
      { currency: "USD", available: 3_000, threshold: 5_000 },
    ]);

    // A retry, or the same batch delivered twice, raises nothing new.
    const again = await new InngestTestEngine({ function: monitorBalance, events }).execute();
    expect(again.result).toMatchObject([{ raised: [] }, { raised: [] }]);
    expect(
      (await sink.received("balance.low")).filter(
        ({ event }) => event.data.organisation_id === watched.scope.organisationId,
      ),
    ).toHaveLength(1);
  });
});
