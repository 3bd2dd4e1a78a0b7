import { beforeAll, describe, expect, it } from "vitest";
import { POST as createBatch } from "@/app/api/v1/batches/route";
import { POST as testDeposit } from "@/app/api/v1/funding/test_deposits/route";
import { POST as createPayout } from "@/app/api/v1/payouts/route";
import { db } from "@/db/client";
import { call } from "@/tests/fixtures/api-requests";
import { createTestOrganisation, type TestOrganisation } from "@/tests/fixtures/organisations";
import { rowCounts } from "@/tests/payouts/fixtures";

let acme: TestOrganisation;

type Recipient = { email: string; country: string; external_id?: string; name?: string };
const item = (recipient: Recipient) => ({ recipient, amount: 100 });
const batch = (items: unknown[]) => ({ name: "April creators", currency: "USD", items });

beforeAll(async () => {
  acme = await createTestOrganisation(db, "Acme");
  const funded = await call(testDeposit, "POST", "/funding/test_deposits", {
    key: acme.testKey,
    body: { amount: 1_000_000, currency: "USD" },
  });
  expect(funded.status).toBe(201);
});

describe("POST /v1/batches with items naming one recipient differently", () => {
  it("answers 422 problem+json naming each conflicting item and field, and writes nothing", async () => {
    const before = await rowCounts(db, acme.organisation.id);
    const res = await call(createBatch, "POST", "/batches", {
      key: acme.testKey,
      idempotencyKey: "conflicting-items",
      body: batch([
        item({ email: "maya@example.com", country: "US", external_id: "cr-1" }),
        item({ email: "lukas@example.com", country: "DE", external_id: "cr-2" }),
        item({ email: "maya@exmaple.com", country: "US", external_id: "cr-1" }),
        item({ email: "lukas@example.com", country: "AT", external_id: "cr-2" }),
      ]),
    });

    expect(res.status).toBe(422);
    expect(res.headers.get("content-type")).toContain("application/problem+json");
    expect(res.body.code).toBe("validation_failed");
    expect(res.body.errors).toEqual([
      {
        path: "items.2.recipient.email",
        message: 'Item 0 has the same external_id "cr-1" with a different email',
      },
      {
        path: "items.3.recipient.country",
        message: 'Item 1 has the same external_id "cr-2" with a different country',
      },
    ]);
    expect(await rowCounts(db, acme.organisation.id)).toEqual(before);
  });

  it("refuses an item naming an existing recipient with another email, as POST /v1/payouts does", async () => {
    const first = await call(createBatch, "POST", "/batches", {
      key: acme.testKey,
      idempotencyKey: "first-batch",
      body: batch([item({ email: "amani@example.com", country: "KE", external_id: "cr-9" })]),
    });
    expect(first.status).toBe(201);
    const before = await rowCounts(db, acme.organisation.id);

    const redirected = await call(createBatch, "POST", "/batches", {
      key: acme.testKey,
      idempotencyKey: "redirecting-batch",
      body: batch([
        item({ email: "someone@example.com", country: "US" }),
        item({ email: "amani@typo.example", country: "KE", external_id: "cr-9" }),
      ]),
    });
    const single = await call(createPayout, "POST", "/payouts", {
      key: acme.testKey,
      idempotencyKey: "redirecting-payout",
      body: {
        recipient: { email: "amani@typo.example", country: "KE", external_id: "cr-9" },
        amount: 100,
        currency: "USD",
      },
    });

    expect(redirected.status).toBe(422);
    expect(redirected.body.errors).toEqual([
      {
        path: "items.1.recipient.email",
        message: '"cr-9" is an existing recipient with a different email',
      },
    ]);
    expect(single.status).toBe(422);
    expect(single.body.errors).toEqual([
      {
        path: "recipient.email",
        message: '"cr-9" is an existing recipient with a different email',
      },
    ]);
    expect(await rowCounts(db, acme.organisation.id)).toEqual(before);
  });
});
