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
