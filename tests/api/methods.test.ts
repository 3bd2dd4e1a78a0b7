import { beforeAll, describe, expect, it } from "vitest";
import { GET } from "@/app/api/v1/methods/route";
import { db } from "@/db/client";
import { call } from "@/tests/fixtures/api-requests";
import { createTestOrganisation, type TestOrganisation } from "@/tests/fixtures/organisations";

let acme: TestOrganisation;
beforeAll(async () => {
  acme = await createTestOrganisation(db, "Acme");
});

describe("GET /v1/methods", () => {
  it("lists eligible methods with fees, and says why others are not", async () => {
    const res = await call(GET, "GET", "/methods", {
      key: acme.testKey,
      query: { country: "KE", currency: "USD", amount: "5000" },
    });
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({
      object: "list",
      country: "KE",
      currency: "USD",
      amount: 5000,
    });
    expect(res.body.data.length).toBeGreaterThan(0);
    for (const method of res.body.data) {
      expect(method.object).toBe("payout_method");
      expect(Number.isInteger(method.fee)).toBe(true);
    }
    for (const entry of res.body.ineligible) {
      expect(entry.reasons.length).toBeGreaterThan(0);
    }
  });

  it("offers only methods with a live provider to a live key, and says why not the rest", async () => {
    const query = { country: "KE", currency: "USD", amount: "5000" };
    const test = await call(GET, "GET", "/methods", { key: acme.testKey, query });
    const live = await call(GET, "GET", "/methods", { key: acme.liveKey, query });
    expect(live.status).toBe(200);
    const ids = (res: typeof live) => res.body.data.map((m: { id: string }) => m.id).sort();
    expect(ids(test)).toContain("mpesa");
    expect(ids(live)).toEqual(["charity", "paypal"]);
    expect(live.body.ineligible).toContainEqual({
      method: "mpesa",
      reasons: [
        {
          code: "not_available_in_live_mode",
          message: "M-Pesa is available in test mode only for now.",
        },
      ],
    });
  });

  it("requires country, currency and amount", async () => {
    const res = await call(GET, "GET", "/methods", { key: acme.testKey, query: { country: "KE" } });
    expect(res.status).toBe(422);
    expect(res.body.errors).toEqual([
      { path: "currency", message: "is required" },
      { path: "amount", message: "is required" },
    ]);
  });

  it("needs a key", async () => {
    const res = await call(GET, "GET", "/methods", {
      query: { country: "KE", currency: "USD", amount: "1" },
    });
    expect(res.status).toBe(401);
  });
});
