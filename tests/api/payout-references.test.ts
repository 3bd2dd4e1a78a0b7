import { and, eq } from "drizzle-orm";
import { beforeAll, describe, expect, it } from "vitest";
import { POST as createBatch } from "@/app/api/v1/batches/route";
import { POST as createPayout } from "@/app/api/v1/payouts/route";
import { db } from "@/db/client";
import { payouts } from "@/db/schema";
import { call } from "@/tests/fixtures/api-requests";
import { createTestOrganisation, type TestOrganisation } from "@/tests/fixtures/organisations";
import { fundByApi, writeCounts } from "@/tests/fixtures/payout-api";

let acme: TestOrganisation;
let rival: TestOrganisation;

beforeAll(async () => {
  acme = await createTestOrganisation(db, "Acme");
  rival = await createTestOrganisation(db, "Rival");
  await fundByApi(acme.testKey, 10_000_000);
  await fundByApi(rival.testKey, 10_000_000);
});

type Item = {
  recipient: { email: string; country: string; external_id?: string };
  amount: number;
  reference?: string;
  notify?: string;
};
const item = (n: number, extra: Partial<Item> = {}): Item => ({
  recipient: { email: `p${n}@example.com`, country: "US" },
  amount: 100 + n,
  ...extra,
});
let keys = 0;
const batch = (key: string, items: Item[], extra: Record<string, unknown> = {}) =>
  call(createBatch, "POST", "/batches", {
    key,
    idempotencyKey: `batch-${++keys}`,
    body: { name: "Bounties", currency: "USD", items, ...extra },
  });

describe("references", () => {
  it("are stored on batch items and single payouts, with notify, and shown on the payout", async () => {
    const created = await batch(acme.testKey, [
      item(1, { reference: "ref-a" }),
      item(2, { reference: "ref-b", notify: "none" }),
    ]);
    expect(created.status).toBe(201);
    const rows = await db
      .select({ reference: payouts.reference, notify: payouts.notify })
      .from(payouts)
      .where(eq(payouts.batchId, created.body.id))
      .orderBy(payouts.reference);
    expect(rows).toEqual([
      { reference: "ref-a", notify: "email" },
      { reference: "ref-b", notify: "none" },
    ]);
    const single = await call(createPayout, "POST", "/payouts", {
      key: acme.testKey,
      idempotencyKey: "single-ref",
      body: { ...item(3), currency: "USD", reference: "ref-c" },
    });
    expect(single.status).toBe(201);
    expect(single.body).toMatchObject({ reference: "ref-c", notify: "email" });
  });

  it("refuses a reference repeated within one request at each repeating item, writing nothing", async () => {
    const before = await writeCounts(db, acme.organisation.id);
    const res = await batch(acme.testKey, [
      item(10, { reference: "dup" }),
      item(11, { reference: "other" }),
      item(12, { reference: "dup" }),
      item(13, { reference: "dup" }),
    ]);
    expect(res.status).toBe(422);
    expect(res.body.errors).toEqual([
      { path: "items.2.reference", message: "Repeats item 0's reference" },
      { path: "items.3.reference", message: "Repeats item 0's reference" },
    ]);
    expect(await writeCounts(db, acme.organisation.id)).toEqual(before);
  });

  it("refuses a reference already used, naming the payout that has it, writing nothing", async () => {
    const first = await batch(acme.testKey, [item(20, { reference: "used-1" })]);
    expect(first.status).toBe(201);
    const [holder] = await db
      .select({ id: payouts.id })
      .from(payouts)
      .where(and(eq(payouts.batchId, first.body.id)));
    const before = await writeCounts(db, acme.organisation.id);

    const res = await batch(acme.testKey, [
      item(21, { reference: "fresh" }),
      item(22, { reference: "used-1" }),
      item(23),
    ]);
    expect(res.status).toBe(409);
    expect(res.body.code).toBe("conflict");
    expect(res.body.errors).toEqual([
      { path: "items.1.reference", message: `already used by payout ${holder?.id}` },
    ]);
    const single = await call(createPayout, "POST", "/payouts", {
      key: acme.testKey,
      idempotencyKey: "single-used",
      body: { ...item(24), currency: "USD", reference: "used-1" },
    });
    expect(single.status).toBe(409);
    expect(single.body.detail).toContain(holder?.id);
    expect(single.body.errors).toEqual([
      { path: "reference", message: `already used by payout ${holder?.id}` },
    ]);
    expect(await writeCounts(db, acme.organisation.id)).toEqual(before);
  });

  it("are per organisation and mode: another organisation may use the same reference", async () => {
    const mine = await batch(acme.testKey, [item(30, { reference: "shared-ref" })]);
    const theirs = await batch(rival.testKey, [item(30, { reference: "shared-ref" })]);
    expect(mine.status).toBe(201);
    expect(theirs.status).toBe(201);
  });

  it("let exactly one of many concurrent requests with the same reference through", async () => {
    const responses = await Promise.all(
      Array.from({ length: 8 }, (_, i) =>
        call(createPayout, "POST", "/payouts", {
          key: acme.testKey,
          idempotencyKey: `race-${i}`,
          body: { ...item(40 + i), currency: "USD", reference: "raced" },
        }),
      ),
    );
    const statuses = responses.map((r) => r.status).sort();
    expect(statuses).toEqual([201, 409, 409, 409, 409, 409, 409, 409]);
    const winner = responses.find((r) => r.status === 201)?.body.id;
    for (const r of responses.filter((r) => r.status === 409)) {
      expect(r.body.errors).toEqual([
        { path: "reference", message: `already used by payout ${winner}` },
      ]);
    }
  });

  it("refuse text a database or a header cannot carry", async () => {
    const before = await writeCounts(db, acme.organisation.id);
    for (const reference of [
      "nul\u0000byte",
      "line\nbreak",
      "lone\ud800surrogate",
      "",
      " ",
      "x".repeat(201),
    ]) {
      const res = await batch(acme.testKey, [item(50, { reference })]);
      expect(res.status, JSON.stringify(reference)).toBe(422);
      expect(res.body.errors[0].path).toBe("items.0.reference");
    }
    const notify = await batch(acme.testKey, [item(51, { notify: "sms" })]);
    expect(notify.status).toBe(422);
    expect(notify.body.errors).toEqual([
      { path: "items.0.notify", message: "expected email or none" },
    ]);
    expect(await writeCounts(db, acme.organisation.id)).toEqual(before);
  });
});

describe("duplicate items without references", () => {
  it("refuses an item that pays the same recipient the same amount again, unless allowed", async () => {
    const before = await writeCounts(db, acme.organisation.id);
    const items = [
      item(60),
      item(61),
      { ...item(60), recipient: { email: "P60@Example.com", country: "US" } },
      item(60),
      item(60, { amount: 999 }),
      item(60, { reference: "distinct" }),
    ];
    const refused = await batch(acme.testKey, items);
    expect(refused.status).toBe(422);
    expect(refused.body.errors.map((e: { path: string }) => e.path)).toEqual([
      "items.2.amount",
      "items.3.amount",
    ]);
    expect(refused.body.errors[0].message).toContain("item 0");
    expect(refused.body.errors[0].message).toContain("allow_duplicates");
    expect(await writeCounts(db, acme.organisation.id)).toEqual(before);

    const allowed = await batch(acme.testKey, items, { allow_duplicates: true });
    expect(allowed.status).toBe(201);
    expect(allowed.body.item_count).toBe(6);
  });

  it("treats the same external_id as the same recipient", async () => {
    const res = await batch(acme.testKey, [
      { recipient: { email: "x@example.com", country: "US", external_id: "cr-1" }, amount: 500 },
      { recipient: { email: "x@example.com", country: "US", external_id: "cr-1" }, amount: 500 },
      { recipient: { email: "x@example.com", country: "US", external_id: "cr-2" }, amount: 500 },
    ]);
    expect(res.status).toBe(422);
    expect(res.body.errors.map((e: { path: string }) => e.path)).toEqual(["items.1.amount"]);
  });

  it("refuses allow_duplicates that is not a boolean", async () => {
    const res = await batch(acme.testKey, [item(70)], { allow_duplicates: "yes" });
    expect(res.status).toBe(422);
    expect(res.body.errors[0].path).toBe("allow_duplicates");
  });
});
