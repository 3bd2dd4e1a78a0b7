import { beforeAll, describe, expect, it } from "vitest";
import { GET as listBalances } from "@/app/api/v1/balances/route";
import { POST as testDeposit } from "@/app/api/v1/funding/test_deposits/route";
import { GET as methods } from "@/app/api/v1/methods/route";
import { GET as listPayouts } from "@/app/api/v1/payouts/route";
import { GET as listTransfers } from "@/app/api/v1/transfers/route";
import { DELETE as deleteEndpoint } from "@/app/api/v1/webhook_endpoints/[id]/route";
import { POST as createEndpoint, GET as listEndpoints } from "@/app/api/v1/webhook_endpoints/route";
import { db } from "@/db/client";
import { call } from "@/tests/fixtures/api-requests";
import { createTestOrganisation, type TestOrganisation } from "@/tests/fixtures/organisations";

process.env.AUTH_SECRET ??= "test-secret-for-sealing-webhook-secrets-0000";

let acme: TestOrganisation;

beforeAll(async () => {
  acme = await createTestOrganisation(db, "Acme");
});

describe("cursors and id filters", () => {
  it("refuse anything but an id of the list's kind, naming the parameter", async () => {
    const cases = [
      [listPayouts, "/payouts", { starting_after: "abc" }, "starting_after", "expected a po_… id"],
      [listPayouts, "/payouts", { starting_after: "rcp_0123456789abc" }, "starting_after", "po_"],
      [listPayouts, "/payouts", { recipient_id: "" }, "recipient_id", "expected a rcp_… id"],
      [
        listPayouts,
        "/payouts",
        { batch_id: "po_0123456789abc" },
        "batch_id",
        "expected a bat_… id",
      ],
      [listTransfers, "/transfers", { payout_id: "" }, "payout_id", "expected a po_… id"],
      [listEndpoints, "/webhook_endpoints", { starting_after: "x" }, "starting_after", "we_"],
    ] as const;
    for (const [handler, path, query, field, message] of cases) {
      const res = await call(handler, "GET", path, { key: acme.testKey, query });
      const where = `${path} ${JSON.stringify(query)}`;
      expect(res.status, where).toBe(422);
      expect(res.body.errors, where).toHaveLength(1);
      expect(res.body.errors[0].path, where).toBe(field);
      expect(res.body.errors[0].message, where).toContain(message);
    }
  });

  it("page on past an object deleted since its page was read", async () => {
    const ids: string[] = [];
    for (const n of [1, 2, 3]) {
      const res = await call(createEndpoint, "POST", "/webhook_endpoints", {
        key: acme.testKey,
        body: { url: `https://example.com/cursor-${n}` },
      });
      ids.push(res.body.id);
    }
    const first = await call(listEndpoints, "GET", "/webhook_endpoints", {
      key: acme.testKey,
      query: { limit: "1" },
    });
    expect(first.body.data.map((e: { id: string }) => e.id)).toEqual([ids[2]]);
    await call(deleteEndpoint, "DELETE", `/webhook_endpoints/${ids[2]}`, {
      key: acme.testKey,
      params: { id: ids[2] as string },
    });
    const next = await call(listEndpoints, "GET", "/webhook_endpoints", {
      key: acme.testKey,
      query: { limit: "1", starting_after: ids[2] as string },
    });
    expect(next.status).toBe(200);
    expect(next.body.data.map((e: { id: string }) => e.id)).toEqual([ids[1]]);
  });
});

describe("unknown query parameters", () => {
  it("are refused everywhere, with the parameter they most likely meant", async () => {
    const transfers = await call(listTransfers, "GET", "/transfers", {
      key: acme.testKey,
      query: { payout: "po_0123456789abc" },
    });
    expect(transfers.status).toBe(422);
    expect(transfers.body.errors).toEqual([
      { path: "", message: "unknown field: payout (did you mean payout_id?)" },
    ]);
    expect(transfers.body.detail).toBe(
      "The request query is invalid. Unknown field: payout (did you mean payout_id?).",
    );
    const catalog = await call(methods, "GET", "/methods", {
      key: acme.testKey,
      query: { country: "KE", currency: "USD", amount: "5000", curency: "USD" },
    });
    expect(catalog.status).toBe(422);
    expect(catalog.body.errors).toEqual([
      { path: "", message: "unknown field: curency (did you mean currency?)" },
    ]);
  });
});

describe("the ledger's limit per account", () => {
  it("refuses the deposit that would pass 2^53 - 1, and balances still read", async () => {
    const deposit = (n: number) =>
      call(testDeposit, "POST", "/funding/test_deposits", {
        key: acme.testKey,
        idempotencyKey: `huge-${n}`,
        body: { amount: "1000000000000000", currency: "EUR" },
      });
    for (let n = 0; n < 9; n++) expect((await deposit(n)).status).toBe(201);
    const refused = await deposit(9);
    expect(refused.status).toBe(422);
    expect(refused.body.code).toBe("validation_failed");
    expect(refused.body.detail).toContain("9,007,199,254,740,991");

    const balances = await call(listBalances, "GET", "/balances", { key: acme.testKey });
    expect(balances.status).toBe(200);
    expect(balances.body.data).toContainEqual(
      expect.objectContaining({ currency: "EUR", available: 9_000_000_000_000_000 }),
    );
  });
});
