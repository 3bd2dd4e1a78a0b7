import { beforeAll, describe, expect, it } from "vitest";
import { GET as listBalances } from "@/app/api/v1/balances/route";
import { POST as cancelPayout } from "@/app/api/v1/payouts/[id]/cancel/route";
import { GET as getPayout } from "@/app/api/v1/payouts/[id]/route";
import { POST as createPayout } from "@/app/api/v1/payouts/route";
import { POST as createRecipient } from "@/app/api/v1/recipients/route";
import { db } from "@/db/client";
import { call } from "@/tests/fixtures/api-requests";
import { createTestOrganisation, type TestOrganisation } from "@/tests/fixtures/organisations";

let acme: TestOrganisation;

beforeAll(async () => {
  acme = await createTestOrganisation(db, "Replays");
});

describe("a replayed response", () => {
  it("names the request it answers in Original-Request-Id, and a replayed problem's request_id agrees", async () => {
    const send = () =>
      call(createPayout, "POST", "/payouts", {
        key: acme.testKey,
        idempotencyKey: "refused-for-funds",
        body: {
          recipient: { email: "r@example.com", country: "KE" },
          amount: 500,
          currency: "USD",
        },
      });
    const first = await send();
    expect(first.status).toBe(422);
    expect(first.body.code).toBe("insufficient_funds");
    expect(first.headers.get("original-request-id")).toBeNull();
    expect(first.body.request_id).toBe(first.headers.get("request-id"));

    const replay = await send();
    expect(replay.status).toBe(422);
    expect(replay.headers.get("idempotent-replayed")).toBe("true");
    expect(replay.headers.get("request-id")).not.toBe(first.headers.get("request-id"));
    expect(replay.headers.get("original-request-id")).toBe(first.headers.get("request-id"));
    expect(replay.body).toEqual(first.body);
    expect(replay.body.request_id).toBe(replay.headers.get("original-request-id"));
  });

  it("of a success carries Original-Request-Id too", async () => {
    const send = () =>
      call(createRecipient, "POST", "/recipients", {
        key: acme.testKey,
        idempotencyKey: "created-once",
        body: { email: "once@example.com", country: "KE" },
      });
    const first = await send();
    const replay = await send();
    expect(replay.headers.get("idempotent-replayed")).toBe("true");
    expect(replay.headers.get("original-request-id")).toBe(first.headers.get("request-id"));
    expect(replay.body).toEqual(first.body);
  });
});

describe("unknown query parameters", () => {
  it("are refused the same way on routes that take no query parameters", async () => {
    const cases = [
      await call(listBalances, "GET", "/balances", {
        key: acme.testKey,
        query: { curency: "USD" },
      }),
      await call(getPayout, "GET", "/payouts/po_0000000000000000000000000", {
        key: acme.testKey,
        params: { id: "po_0000000000000000000000000" },
        query: { expand: "recipient" },
      }),
      await call(cancelPayout, "POST", "/payouts/po_0000000000000000000000000/cancel", {
        key: acme.testKey,
        params: { id: "po_0000000000000000000000000" },
        query: { force: "true" },
      }),
    ];
    for (const res of cases) {
      expect(res.status).toBe(422);
      expect(res.body.code).toBe("validation_failed");
      expect(res.body.errors).toHaveLength(1);
      expect(res.body.errors[0]).toMatchObject({ path: "" });
      expect(res.body.errors[0].message).toMatch(/^unknown field: /);
    }
  });
});
