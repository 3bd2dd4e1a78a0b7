import { InngestTestEngine } from "@inngest/test";
import { and, eq } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { POST as approve } from "@/app/api/v1/batches/[id]/approve/route";
import { POST as createBatch } from "@/app/api/v1/batches/route";
import { db } from "@/db/client";
import { events, organisations } from "@/db/schema";
import { checkProjectedDemand } from "@/inngest/functions/check-projected-demand";
import { createApiKey } from "@/lib/api-keys/keys";
import { refusedDemand } from "@/lib/balance-monitor";
import { AppError } from "@/lib/errors";
import { call } from "@/tests/fixtures/api-requests";
import { createTestOrganisation } from "@/tests/fixtures/organisations";
import { eventually, fundByApi, writeCounts } from "@/tests/fixtures/payout-api";
import { type EventSink, eventOf, startEventSink } from "./harness";

let sink: EventSink;
beforeAll(async () => {
  sink = await startEventSink();
});
afterAll(async () => {
  await sink.close();
});

const items = (amounts: number[]) =>
  amounts.map((amount, i) => ({
    recipient: { email: `s${i}@example.com`, country: "US" },
    amount,
  }));

describe("projected shortfall", () => {
  it("a campaign refused for lack of funds projects its demand, and balance.low fires with the shortfall", async () => {
    const org = await createTestOrganisation(db, "Short");
    await fundByApi(org.testKey, 5_000);
    const before = await writeCounts(db, org.organisation.id);
    const res = await call(createBatch, "POST", "/batches", {
      key: org.testKey,
      idempotencyKey: "too-big",
      body: { name: "Too big", currency: "USD", items: items([4_000, 3_000]) },
    });
    expect(res.status).toBe(422);
    expect(res.body.code).toBe("insufficient_funds");
    expect(await writeCounts(db, org.organisation.id)).toEqual(before);

    const projected = await eventually(
      async () =>
        (await sink.received("disburse/balance.demand-projected")).filter(
          (e) => e.event.data.organisation_id === org.organisation.id,
        ),
      (rows) => rows.length > 0,
    );
    expect(projected.map((e) => e.event.data)).toEqual([
      { organisation_id: org.organisation.id, mode: "test", currency: "USD", amount: 7_000 },
    ]);

    const { result } = await new InngestTestEngine({
      function: checkProjectedDemand,
      events: [eventOf("disburse/balance.demand-projected", projected[0]?.event.data ?? {})],
    }).execute();
    expect(result).toMatchObject({ available: "5000", raised: ["projected_shortfall"] });
    const low = await db
      .select({ data: events.data })
      .from(events)
      .where(and(eq(events.organisationId, org.organisation.id), eq(events.type, "balance.low")));
    expect(low.map((e) => e.data)).toEqual([
      { currency: "USD", available: 5_000, threshold: 0, projected_shortfall: 2_000 },
    ]);
  });

  it("reads the demand only off a refusal of the available balance", () => {
    const short = new AppError("insufficient_funds", "short", {
      meta: { currency: "USD", account: "available", available: "5", required: "7000" },
    });
    expect(refusedDemand(short)).toEqual({ currency: "USD", amount: 7_000n });
    const otherAccount = new AppError("insufficient_funds", "short", {
      meta: { currency: "USD", account: "reserved", available: "5", required: "7000" },
    });
    expect(refusedDemand(otherAccount)).toBeNull();
    expect(refusedDemand(new AppError("conflict", "no"))).toBeNull();
    expect(refusedDemand(new Error("boom"))).toBeNull();
  });
});

describe("approval by API", () => {
  it("asks for the campaign's fan-out once the approval has committed", async () => {
    const org = await createTestOrganisation(db, "Approving");
    await db
      .update(organisations)
      .set({ approvalThresholds: { USD: "100" } })
      .where(eq(organisations.id, org.organisation.id));
    await fundByApi(org.testKey, 100_000);
    const created = await call(createBatch, "POST", "/batches", {
      key: org.testKey,
      idempotencyKey: "needs-approval",
      body: { name: "Needs approval", currency: "USD", items: items([500]) },
    });
    expect(created.body.status).toBe("awaiting_approval");
    const checker = await createApiKey(db, {
      organisationId: org.organisation.id,
      mode: "test",
      name: "checker",
    });
    const res = await call(approve, "POST", `/batches/${created.body.id}/approve`, {
      key: checker.secret,
      params: { id: created.body.id },
      idempotencyKey: "approve-1",
    });
    expect(res.status).toBe(200);
    const requested = await eventually(
      async () =>
        (await sink.received("disburse/batch.fan-out-requested")).filter(
          (e) => e.event.data.batch_id === created.body.id,
        ),
      (rows) => rows.length > 0,
    );
    expect(requested).toHaveLength(1);
  });
});
