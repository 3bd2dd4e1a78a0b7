import { beforeAll, describe, expect, it } from "vitest";
import * as batchRoute from "@/app/api/v1/batches/[id]/route";
import * as batchesRoute from "@/app/api/v1/batches/route";
import * as cancelRoute from "@/app/api/v1/payouts/[id]/cancel/route";
import * as payoutRoute from "@/app/api/v1/payouts/[id]/route";
import * as payoutsRoute from "@/app/api/v1/payouts/route";
import { db } from "@/db/client";
import { call } from "@/tests/fixtures/api-requests";
import { createTestOrganisation, type TestOrganisation } from "@/tests/fixtures/organisations";
import { balanceOf, fund, rowCounts } from "./fixtures";

let acme: TestOrganisation;
let rival: TestOrganisation;
const scopeOf = (org: TestOrganisation) => ({
  organisationId: org.organisation.id,
  mode: "test" as const,
});
let keyCounter = 0;
const idem = () => `idem-${Date.now()}-${keyCounter++}`;

const payoutBody = (overrides: Record<string, unknown> = {}) => ({
  recipient: { email: "ada@example.com", name: "Ada", country: "KE", external_id: "ada" },
  amount: 2_500,
  currency: "USD",
  description: "March bounty",
  metadata: { campaign: "march" },
  ...overrides,
});

function createPayout(org: TestOrganisation, body: unknown = payoutBody()) {
  return call(payoutsRoute.POST, "POST", "/payouts", {
    key: org.testKey,
    body,
    idempotencyKey: idem(),
  });
}

beforeAll(async () => {
  acme = await createTestOrganisation(db, "Acme");
  rival = await createTestOrganisation(db, "Rival");
  await fund(db, scopeOf(acme), 1_000_000n);
  await fund(db, scopeOf(rival), 1_000_000n);
});

describe("POST /api/v1/payouts", () => {
  it("creates a pending payout, reserves it, and replays the response for the same key", async () => {
    const key = idem();
    const first = await call(payoutsRoute.POST, "POST", "/payouts", {
      key: acme.testKey,
      body: payoutBody(),
      idempotencyKey: key,
    });
    expect(first.status).toBe(201);
    expect(first.body).toMatchObject({
      object: "payout",
      status: "pending",
      amount: 2_500,
      currency: "USD",
      livemode: false,
      metadata: { campaign: "march" },
    });
    expect(first.body.id).toMatch(/^po_/);

    const replay = await call(payoutsRoute.POST, "POST", "/payouts", {
      key: acme.testKey,
      body: payoutBody(),
      idempotencyKey: key,
    });
    expect(replay.status).toBe(201);
    expect(replay.headers.get("idempotent-replayed")).toBe("true");
    expect(replay.body).toEqual(first.body);
  });

  it("requires an Idempotency-Key", async () => {
    const response = await call(payoutsRoute.POST, "POST", "/payouts", {
      key: acme.testKey,
      body: payoutBody(),
    });
    expect(response.status).toBe(400);
    expect(response.body.code).toBe("idempotency_key_required");
  });

  it("answers insufficient_funds with a 422 problem and leaves nothing behind", async () => {
    const before = await rowCounts(db, acme.organisation.id);
    const balance = await balanceOf(db, scopeOf(acme));
    const response = await createPayout(acme, payoutBody({ amount: 999_999_999 }));
    expect(response.status).toBe(422);
    expect(response.headers.get("content-type")).toContain("application/problem+json");
    expect(response.body).toMatchObject({ code: "insufficient_funds", status: 422 });
    expect(await rowCounts(db, acme.organisation.id)).toEqual(before);
    expect(await balanceOf(db, scopeOf(acme))).toEqual(balance);
  });

  it("names each invalid field", async () => {
    const response = await createPayout(acme, {
      recipient: { email: "nope", country: "Kenya" },
      amount: 0,
      currency: "XYZ",
    });
    expect(response.status).toBe(422);
    expect(response.body.errors.map((e: { path: string }) => e.path).sort()).toEqual([
      "amount",
      "currency",
      "recipient.country",
      "recipient.email",
    ]);
  });
});

describe("GET /api/v1/payouts/{id} and cancel", () => {
  it("returns the org's payout and 404s another organisation's or mode's id", async () => {
    const created = await createPayout(acme);
    const id = created.body.id;
    const mine = await call(payoutRoute.GET, "GET", `/payouts/${id}`, {
      key: acme.testKey,
      params: { id },
    });
    expect(mine.status).toBe(200);
    expect(mine.body).toEqual(created.body);

    for (const key of [rival.testKey, acme.liveKey]) {
      const response = await call(payoutRoute.GET, "GET", `/payouts/${id}`, {
        key,
        params: { id },
      });
      expect(response.status).toBe(404);
      const cancel = await call(cancelRoute.POST, "POST", `/payouts/${id}/cancel`, {
        key,
        params: { id },
      });
      expect(cancel.status).toBe(404);
    }
    expect(
      (await call(payoutRoute.GET, "GET", `/payouts/${id}`, { key: acme.testKey, params: { id } }))
        .body.status,
    ).toBe("pending");
  });

  it("cancels once, releasing the funds; a second cancel is a 409", async () => {
    const created = await createPayout(acme, payoutBody({ amount: 7_000 }));
    const id = created.body.id;
    const before = await balanceOf(db, scopeOf(acme));
    const canceled = await call(cancelRoute.POST, "POST", `/payouts/${id}/cancel`, {
      key: acme.testKey,
      params: { id },
    });
    expect(canceled.status).toBe(200);
    expect(canceled.body.status).toBe("canceled");
    expect(await balanceOf(db, scopeOf(acme))).toMatchObject({
      available: before.available + 7_000n,
      reserved: before.reserved - 7_000n,
    });
    const again = await call(cancelRoute.POST, "POST", `/payouts/${id}/cancel`, {
      key: acme.testKey,
      params: { id },
    });
    expect(again.status).toBe(409);
    expect(again.body.code).toBe("invalid_state_transition");
  });
});

describe("GET /api/v1/payouts", () => {
  it("filters by status, recipient, batch and creation time, and pages by cursor", async () => {
    const org = await createTestOrganisation(db, "Lister");
    await fund(db, scopeOf(org), 1_000_000n);
    const ids: string[] = [];
    for (let i = 0; i < 5; i++) {
      const r = await createPayout(
        org,
        payoutBody({
          // Two recipients, each paid under its one email (a payout never changes it).
          recipient: { email: `p${i % 2}@example.com`, country: "US", external_id: `p${i % 2}` },
        }),
      );
      ids.push(r.body.id);
    }
    await call(cancelRoute.POST, "POST", `/payouts/${ids[0]}/cancel`, {
      key: org.testKey,
      params: { id: ids[0] as string },
    });
    const list = (query: Record<string, string>) =>
      call(payoutsRoute.GET, "GET", "/payouts", { key: org.testKey, query });

    const all = await list({});
    expect(all.body.data.map((p: { id: string }) => p.id)).toEqual([...ids].reverse());
    expect(all.body.has_more).toBe(false);

    const page1 = await list({ limit: "2" });
    expect(page1.body.has_more).toBe(true);
    const page2 = await list({ limit: "2", starting_after: page1.body.data[1].id });
    const page3 = await list({ limit: "2", starting_after: page2.body.data[1].id });
    expect(
      [...page1.body.data, ...page2.body.data, ...page3.body.data].map((p: { id: string }) => p.id),
    ).toEqual([...ids].reverse());
    expect(page3.body.has_more).toBe(false);

    const canceled = await list({ status: "canceled" });
    expect(canceled.body.data.map((p: { id: string }) => p.id)).toEqual([ids[0]]);

    const recipientId = all.body.data.find((p: { id: string }) => p.id === ids[1]).recipient_id;
    const byRecipient = await list({ recipient_id: recipientId });
    expect(byRecipient.body.data.map((p: { id: string }) => p.id).sort()).toEqual(
      [ids[1], ids[3]].sort(),
    );

    const future = new Date(Date.now() + 60_000).toISOString();
    expect((await list({ "created[gte]": future })).body.data).toEqual([]);
    expect((await list({ "created[lte]": future })).body.data).toHaveLength(5);
    expect((await list({ created_before: future })).body.data).toHaveLength(5);

    expect((await list({ status: "lost" })).status).toBe(422);
    expect((await list({ colour: "red" })).status).toBe(422);
    // Nobody else's payouts leak into the list.
    const rivalList = await call(payoutsRoute.GET, "GET", "/payouts", {
      key: rival.testKey,
      query: { recipient_id: recipientId },
    });
    expect(rivalList.body.data).toEqual([]);
  });
});

describe("batches", () => {
  const items = (n: number) =>
    Array.from({ length: n }, (_, i) => ({
      recipient: { email: `b${i}@example.com`, country: "US" },
      amount: 1_000 + i,
    }));

  it("creates a batch, shows its progress, lists it, and 404s it for anyone else", async () => {
    const created = await call(batchesRoute.POST, "POST", "/batches", {
      key: acme.testKey,
      idempotencyKey: idem(),
      body: { name: "April", currency: "USD", message: "Thanks!", items: items(3) },
    });
    expect(created.status).toBe(201);
    expect(created.body).toMatchObject({
      object: "batch",
      status: "processing",
      item_count: 3,
      total_amount: 3_003,
      message: "Thanks!",
      expires_in_days: 30,
    });
    const id = created.body.id;

    const fetched = await call(batchRoute.GET, "GET", `/batches/${id}`, {
      key: acme.testKey,
      params: { id },
    });
    expect(fetched.status).toBe(200);
    expect(fetched.body.progress).toMatchObject({ pending: 3, claimable: 0, paid: 0 });

    const payouts = await call(payoutsRoute.GET, "GET", "/payouts", {
      key: acme.testKey,
      query: { batch_id: id },
    });
    expect(payouts.body.data).toHaveLength(3);

    const listed = await call(batchesRoute.GET, "GET", "/batches", { key: acme.testKey });
    expect(listed.body.data.map((b: { id: string }) => b.id)).toContain(id);

    for (const key of [rival.testKey, acme.liveKey]) {
      expect(
        (await call(batchRoute.GET, "GET", `/batches/${id}`, { key, params: { id } })).status,
      ).toBe(404);
      const theirs = await call(batchesRoute.GET, "GET", "/batches", { key });
      expect(theirs.body.data.map((b: { id: string }) => b.id)).not.toContain(id);
    }
  });

  it("reports exactly the bad items by index and reserves nothing", async () => {
    const before = await rowCounts(db, acme.organisation.id);
    const balance = await balanceOf(db, scopeOf(acme));
    const body = { name: "Broken", currency: "USD", items: items(12) };
    body.items[2] = { ...body.items[2], amount: -1 } as (typeof body.items)[number];
    body.items[5] = {
      ...body.items[5],
      recipient: { email: "b5@example.com", country: "" },
    } as (typeof body.items)[number];
    body.items[11] = { ...body.items[11], amount: 1.5 } as (typeof body.items)[number];

    const response = await call(batchesRoute.POST, "POST", "/batches", {
      key: acme.testKey,
      idempotencyKey: idem(),
      body,
    });

    expect(response.status).toBe(422);
    expect(response.body.code).toBe("validation_failed");
    expect(response.body.errors.map((e: { path: string }) => e.path)).toEqual([
      "items.2.amount",
      "items.5.recipient.country",
      "items.11.amount",
    ]);
    expect(await rowCounts(db, acme.organisation.id)).toEqual(before);
    expect(await balanceOf(db, scopeOf(acme))).toEqual(balance);
  });

  it("refuses a batch the balance cannot cover, all or nothing", async () => {
    const org = await createTestOrganisation(db, "Thin");
    await fund(db, scopeOf(org), 2_000n);
    const before = await rowCounts(db, org.organisation.id);
    const response = await call(batchesRoute.POST, "POST", "/batches", {
      key: org.testKey,
      idempotencyKey: idem(),
      body: { name: "Too much", currency: "USD", items: items(2) },
    });
    expect(response.status).toBe(422);
    expect(response.body.code).toBe("insufficient_funds");
    expect(await rowCounts(db, org.organisation.id)).toEqual(before);
  });
});
