import { beforeAll, describe, expect, it } from "vitest";
import { GET as listBalances } from "@/app/api/v1/balances/route";
import { GET as listEvents } from "@/app/api/v1/events/route";
import { POST as testDeposit } from "@/app/api/v1/funding/test_deposits/route";
import { POST as createPayout } from "@/app/api/v1/payouts/route";
import { GET as listTransfers } from "@/app/api/v1/transfers/route";
import { db } from "@/db/client";
import { call } from "@/tests/fixtures/api-requests";
import { createTestOrganisation, type TestOrganisation } from "@/tests/fixtures/organisations";

let acme: TestOrganisation;
let rival: TestOrganisation;

beforeAll(async () => {
  acme = await createTestOrganisation(db, "Acme");
  rival = await createTestOrganisation(db, "Rival");
});

describe("POST /v1/funding/test_deposits", () => {
  it("credits the available balance in test mode and records balance.funded", async () => {
    const res = await call(testDeposit, "POST", "/funding/test_deposits", {
      key: acme.testKey,
      idempotencyKey: "fund-1",
      body: { amount: 1_000_000, currency: "USD" },
    });
    expect(res.status).toBe(201);
    expect(res.body).toMatchObject({
      object: "test_deposit",
      livemode: false,
      amount: 1_000_000,
      currency: "USD",
      balance: { currency: "USD", available: 1_000_000, reserved: 0, in_transit: 0, paid_out: 0 },
    });
    const events = await call(listEvents, "GET", "/events", {
      key: acme.testKey,
      query: { type: "balance.funded" },
    });
    expect(events.body.data).toHaveLength(1);
    expect(events.body.data[0].data).toMatchObject({ currency: "USD", amount: 1_000_000 });
  });

  it("replays a repeated deposit instead of crediting twice", async () => {
    const again = await call(testDeposit, "POST", "/funding/test_deposits", {
      key: acme.testKey,
      idempotencyKey: "fund-1",
      body: { amount: 1_000_000, currency: "USD" },
    });
    expect(again.headers.get("idempotent-replayed")).toBe("true");
    const balances = await call(listBalances, "GET", "/balances", { key: acme.testKey });
    expect(balances.body.data).toEqual([
      expect.objectContaining({ currency: "USD", available: 1_000_000 }),
    ]);
  });

  it("refuses in live mode and explains how live funding works", async () => {
    const res = await call(testDeposit, "POST", "/funding/test_deposits", {
      key: acme.liveKey,
      body: { amount: 1_000, currency: "USD" },
    });
    expect(res.status).toBe(403);
    expect(res.body.code).toBe("live_mode_unavailable");
    expect(res.body.detail).toMatch(/bank transfer/);
    const live = await call(listBalances, "GET", "/balances", { key: acme.liveKey });
    expect(live.body.data).toEqual([]);
  });

  it("validates amount and currency", async () => {
    const res = await call(testDeposit, "POST", "/funding/test_deposits", {
      key: acme.testKey,
      body: { amount: 12.5, currency: "XYZ" },
    });
    expect(res.status).toBe(422);
    expect(res.body.errors.map((e: { path: string }) => e.path).sort()).toEqual([
      "amount",
      "currency",
    ]);
  });
});

describe("GET /v1/balances", () => {
  it("shows one organisation's balances only", async () => {
    const res = await call(listBalances, "GET", "/balances", { key: rival.testKey });
    expect(res.status).toBe(200);
    expect(res.body).toEqual({ object: "list", data: [], has_more: false });
  });

  it("needs a key", async () => {
    const res = await call(listBalances, "GET", "/balances", {});
    expect(res.status).toBe(401);
  });
});

describe("GET /v1/transfers", () => {
  it("lists ledger transfers newest first with pagination", async () => {
    for (const amount of [100, 200]) {
      await call(testDeposit, "POST", "/funding/test_deposits", {
        key: acme.testKey,
        body: { amount, currency: "EUR" },
      });
    }
    const first = await call(listTransfers, "GET", "/transfers", {
      key: acme.testKey,
      query: { limit: "2" },
    });
    expect(first.status).toBe(200);
    expect(first.body.data.map((t: { amount: number }) => t.amount)).toEqual([200, 100]);
    expect(first.body.data[0]).toMatchObject({
      object: "transfer",
      from: "external",
      to: "available",
      currency: "EUR",
    });
    expect(first.body.has_more).toBe(true);
    const rest = await call(listTransfers, "GET", "/transfers", {
      key: acme.testKey,
      query: { starting_after: first.body.data[1].id },
    });
    expect(rest.body.data.map((t: { amount: number }) => t.amount)).toEqual([1_000_000]);
    expect(rest.body.has_more).toBe(false);
  });

  it("never pages through another organisation's transfers", async () => {
    const acmeTransfers = await call(listTransfers, "GET", "/transfers", { key: acme.testKey });
    const res = await call(listTransfers, "GET", "/transfers", {
      key: rival.testKey,
      query: { starting_after: acmeTransfers.body.data[0].id },
    });
    expect(res.status).toBe(422);
    expect(res.body.errors).toEqual([
      { path: "starting_after", message: "names no transfer of this account" },
    ]);
    expect(JSON.stringify(res.body)).not.toContain("EUR");
    const own = await call(listTransfers, "GET", "/transfers", { key: rival.testKey });
    expect(own.body.data).toEqual([]);
  });

  it("filters by payout and shows test transfers to no live key", async () => {
    const payout = await call(createPayout, "POST", "/payouts", {
      key: acme.testKey,
      idempotencyKey: "transfer-payout",
      body: { recipient: { email: "t@example.com", country: "US" }, amount: 300, currency: "USD" },
    });
    expect(payout.status).toBe(201);
    const list = (key: string, query: Record<string, string> = {}) =>
      call(listTransfers, "GET", "/transfers", { key, query });
    const own = await list(acme.testKey, { payout_id: payout.body.id });
    expect(own.body.data).toEqual([
      expect.objectContaining({
        payout_id: payout.body.id,
        from: "available",
        to: "reserved",
        amount: 300,
      }),
    ]);
    expect((await list(acme.testKey)).body.data.length).toBeGreaterThan(1);
    expect((await list(acme.testKey, { payout_id: "po_someoneelse" })).body.data).toEqual([]);
    for (const query of [{}, { payout_id: payout.body.id }] as Record<string, string>[]) {
      const live = await list(acme.liveKey, query);
      expect(live.status).toBe(200);
      expect(live.body.data).toEqual([]);
    }
  });

  it("refuses a limit outside 1..100, saying why", async () => {
    for (const [limit, message] of [
      ["0", "expected at least 1"],
      ["101", "expected at most 100"],
      ["ten", "expected a whole number from 1 to 100"],
    ]) {
      const res = await call(listTransfers, "GET", "/transfers", {
        key: acme.testKey,
        query: { limit: limit as string },
      });
      expect(res.status).toBe(422);
      expect(res.body.errors).toEqual([{ path: "limit", message }]);
    }
  });
});
