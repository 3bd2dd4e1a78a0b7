import { and, eq, isNull } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { POST as testDeposit } from "@/app/api/v1/funding/test_deposits/route";
import { POST as createPayout } from "@/app/api/v1/payouts/route";
import { db } from "@/db/client";
import { events } from "@/db/schema";
import { call } from "@/tests/fixtures/api-requests";
import { createTestOrganisation, type TestOrganisation } from "@/tests/fixtures/organisations";
import { type EventSink, startEventSink } from "@/tests/functions/harness";

let sink: EventSink;
let acme: TestOrganisation;

beforeAll(async () => {
  sink = await startEventSink();
  acme = await createTestOrganisation(db, "Relay");
});

afterAll(async () => {
  await sink.close();
});

async function eventually<T>(read: () => Promise<T | undefined>): Promise<T> {
  for (let i = 0; i < 100; i++) {
    const value = await read();
    if (value !== undefined) return value;
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  throw new Error("the event never reached the engine");
}

describe("events written by an API request", () => {
  it("reach Inngest right after the commit, with no sweep running", async () => {
    const deposit = await call(testDeposit, "POST", "/funding/test_deposits", {
      key: acme.testKey,
      body: { amount: 10_000, currency: "USD" },
    });
    expect(deposit.status).toBe(201);

    const paid = await call(createPayout, "POST", "/payouts", {
      key: acme.testKey,
      idempotencyKey: "relay-after-commit-2",
      body: {
        recipient: { email: "ada@example.com", country: "US" },
        amount: 500,
        currency: "USD",
      },
    });
    expect(paid.status).toBe(201);

    const [arrived] = await eventually(async () => {
      const rows = await sink.received("payout.created");
      const mine = rows.filter(
        (row) => (row.event.data.object as { id: string }).id === paid.body.id,
      );
      return mine.length > 0 ? mine : undefined;
    });
    expect(arrived?.id).toMatch(/^evt_/);
    // The relay sends inside its transaction and marks the rows relayed just before the
    // commit, so the sink can hold an event a moment before its row says so.
    const unrelayed = await eventually(async () => {
      const rows = await db
        .select({ id: events.id })
        .from(events)
        .where(and(eq(events.organisationId, acme.organisation.id), isNull(events.relayedAt)));
      return rows.length === 0 ? rows : undefined;
    });
    expect(unrelayed).toEqual([]);
  });
});
