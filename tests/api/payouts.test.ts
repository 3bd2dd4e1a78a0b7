import { count, eq, sql } from "drizzle-orm";
import { beforeAll, describe, expect, it } from "vitest";
import { GET as getBalances } from "@/app/api/v1/balances/route";
import { GET as getBatch } from "@/app/api/v1/batches/[id]/route";
import { POST as createBatch, GET as listBatches } from "@/app/api/v1/batches/route";
import { POST as testDeposit } from "@/app/api/v1/funding/test_deposits/route";
import { POST as cancelPayout } from "@/app/api/v1/payouts/[id]/cancel/route";
import { GET as getPayout } from "@/app/api/v1/payouts/[id]/route";
import { POST as createPayout, GET as listPayouts } from "@/app/api/v1/payouts/route";
import { POST as createRecipient } from "@/app/api/v1/recipients/route";
import { db } from "@/db/client";
import { batches, organisations, payouts } from "@/db/schema";
import type { RouteHandler } from "@/lib/api/handler";
import { verifyLedger } from "@/lib/ledger";
import { call } from "@/tests/fixtures/api-requests";
import { createTestOrganisation, type TestOrganisation } from "@/tests/fixtures/organisations";

let acme: TestOrganisation;
let rival: TestOrganisation;

async function fund(key: string, amount: number, currency = "USD") {
  const res = await call(testDeposit, "POST", "/funding/test_deposits", {
    key,
    body: { amount, currency },
  });
  expect(res.status).toBe(201);
}

async function balance(key: string, currency = "USD") {
  const res = await call(getBalances, "GET", "/balances", { key });
  return res.body.data.find((b: { currency: string }) => b.currency === currency) ?? null;
}

const payoutBody = (email: string, amount = 5_000) => ({
  recipient: { email, country: "KE" },
  amount,
  currency: "USD",
});

const item = (i: number, amount = 100) => ({
  recipient: { email: `r${i}@example.com`, country: "US", external_id: `ext-${i}` },
  amount,
});

const idsOf = (res: { body: { data: { id: string }[] } }) => res.body.data.map((r) => r.id);

/**
 * Every created-range form a list accepts, bounded at `at`: an object created exactly
 * then is kept by gte/lte and dropped by gt/lt (and their created_after/before aliases).
 */
async function expectCreatedRange(
  list: RouteHandler,
  path: string,
  key: string,
  newestFirst: { id: string; created_at: string }[],
  at: string,
) {
  const forms: [string, (created: string) => boolean][] = [
    ["created[gte]", (c) => c >= at],
    ["created[gt]", (c) => c > at],
    ["created[lte]", (c) => c <= at],
    ["created[lt]", (c) => c < at],
    ["created_after", (c) => c > at],
    ["created_before", (c) => c < at],
  ];
  for (const [form, keep] of forms) {
    const res = await call(list, "GET", path, { key, query: { [form]: at, limit: "100" } });
    expect({ form, ids: idsOf(res) }).toEqual({
      form,
      ids: newestFirst.filter((o) => keep(o.created_at)).map((o) => o.id),
    });
  }
}

beforeAll(async () => {
  acme = await createTestOrganisation(db, "Acme");
  rival = await createTestOrganisation(db, "Rival");
  await fund(acme.testKey, 100_000_000);
});

describe("POST /v1/payouts", () => {
  it("requires an Idempotency-Key", async () => {
    const res = await call(createPayout, "POST", "/payouts", {
      key: acme.testKey,
      body: payoutBody("nokey@example.com"),
    });
    expect(res.status).toBe(400);
    expect(res.body.code).toBe("idempotency_key_required");
  });

  it("creates a payout and reserves its amount", async () => {
    const before = await balance(acme.testKey);
    const res = await call(createPayout, "POST", "/payouts", {
      key: acme.testKey,
      idempotencyKey: "po-1",
      body: payoutBody("ada@example.com", 2_500),
    });
    expect(res.status).toBe(201);
    expect(res.body).toMatchObject({
      object: "payout",
      status: "pending",
      amount: 2_500,
      currency: "USD",
      livemode: false,
    });
    expect(res.body.id).toMatch(/^po_/);
    const after = await balance(acme.testKey);
    expect(after.available).toBe(before.available - 2_500);
    expect(after.reserved).toBe(before.reserved + 2_500);
  });

  it("refuses a payout the balance cannot cover and changes nothing", async () => {
    const org = await createTestOrganisation(db, "Poor");
    await fund(org.testKey, 1_000);
    const res = await call(createPayout, "POST", "/payouts", {
      key: org.testKey,
      idempotencyKey: "too-much",
      body: payoutBody("broke@example.com", 1_001),
    });
    expect(res.status).toBe(422);
    expect(res.body.code).toBe("insufficient_funds");
    expect(await balance(org.testKey)).toMatchObject({ available: 1_000, reserved: 0 });
    const [row] = await db
      .select({ n: count() })
      .from(payouts)
      .where(eq(payouts.organisationId, org.organisation.id));
    expect(row?.n).toBe(0);
  });

  it("names invalid fields", async () => {
    const res = await call(createPayout, "POST", "/payouts", {
      key: acme.testKey,
      idempotencyKey: "invalid-1",
      body: { recipient: { email: "x", country: "KE" }, amount: -5, currency: "usd" },
    });
    expect(res.status).toBe(422);
    expect(res.body.errors.map((e: { path: string }) => e.path).sort()).toEqual([
      "amount",
      "currency",
      "recipient.email",
    ]);
  });

  it("explains that a decimal amount must be given in minor units", async () => {
    const res = await call(createPayout, "POST", "/payouts", {
      key: acme.testKey,
      idempotencyKey: "invalid-decimal",
      body: { recipient_id: "rcp_anything", amount: 10.5, currency: "USD" },
    });
    expect(res.status).toBe(422);
    expect(res.body.detail).toBe(
      "The request body is invalid. amount: expected a whole number of minor units, such as 1050 for 10.50 USD",
    );
  });

  it("refuses another organisation's recipient exactly as an unknown one, reserving nothing", async () => {
    const foreign = await call(createRecipient, "POST", "/recipients", {
      key: rival.testKey,
      body: { email: "rivals-own@example.com", country: "KE" },
    });
    const before = await balance(acme.testKey);
    const payTo = async (recipientId: string) => {
      const res = await call(createPayout, "POST", "/payouts", {
        key: acme.testKey,
        idempotencyKey: `to-${recipientId}`,
        body: { recipient_id: recipientId, amount: 500, currency: "USD" },
      });
      const { request_id: _, ...problem } = res.body;
      return { status: res.status, problem };
    };
    const unknown = await payTo("rcp_doesnotexist");
    expect(unknown.status).toBe(422);
    expect(unknown.problem.errors).toEqual([
      { path: "recipient_id", message: "no such recipient" },
    ]);
    expect(await payTo(foreign.body.id)).toEqual(unknown);
    expect(await balance(acme.testKey)).toEqual(before);
    const [row] = await db
      .select({ n: count() })
      .from(payouts)
      .where(eq(payouts.recipientId, foreign.body.id));
    expect(row?.n).toBe(0);
  });

  it("creates exactly one payout from 50 parallel requests with one key", async () => {
    const before = await balance(acme.testKey);
    const responses = await Promise.all(
      Array.from({ length: 50 }, () =>
        call(createPayout, "POST", "/payouts", {
          key: acme.testKey,
          idempotencyKey: "parallel-payout",
          body: payoutBody("parallel@example.com", 777),
        }),
      ),
    );
    const statuses = responses.map((r) => r.status);
    expect(statuses.every((s) => s === 201 || s === 409)).toBe(true);
    const ids = new Set(responses.filter((r) => r.status === 201).map((r) => r.body.id));
    expect(ids.size).toBe(1);
    const [row] = await db.select({ n: count() }).from(payouts).where(eq(payouts.amount, 777n));
    expect(row?.n).toBe(1);
    expect((await balance(acme.testKey)).reserved).toBe(before.reserved + 777);
  });

  it("replays with the same key and refuses a different body", async () => {
    const first = await call(createPayout, "POST", "/payouts", {
      key: acme.testKey,
      idempotencyKey: "po-replay",
      body: payoutBody("grace@example.com", 1_234),
    });
    const replay = await call(createPayout, "POST", "/payouts", {
      key: acme.testKey,
      idempotencyKey: "po-replay",
      body: payoutBody("grace@example.com", 1_234),
    });
    expect(replay.headers.get("idempotent-replayed")).toBe("true");
    expect(replay.body).toEqual(first.body);
    const mismatch = await call(createPayout, "POST", "/payouts", {
      key: acme.testKey,
      idempotencyKey: "po-replay",
      body: payoutBody("grace@example.com", 4_321),
    });
    expect(mismatch.status).toBe(422);
    expect(mismatch.body.code).toBe("idempotency_key_reused");
  });
});

describe("concurrent creates of one caller (group commit)", () => {
  const parallelCreates = (key: string, bodies: unknown[]) =>
    Promise.all(
      bodies.map((body, i) =>
        call(createPayout, "POST", "/payouts", { key, idempotencyKey: `group-${i}`, body }),
      ),
    );

  it("writes 30 at once as few ledger transactions, each request with its own payout and replay", async () => {
    const org = await createTestOrganisation(db, "Grouped");
    await fund(org.testKey, 1_000_000);
    const bodies = Array.from({ length: 30 }, (_, i) => payoutBody(`g${i}@example.com`, 1_000 + i));
    const responses = await parallelCreates(org.testKey, bodies);
    expect(responses.map((r) => r.status)).toEqual(bodies.map(() => 201));
    expect(responses.map((r) => r.body.amount)).toEqual(bodies.map((b) => b.amount));
    expect(new Set(responses.map((r) => r.body.id)).size).toBe(30);
    expect(new Set(responses.map((r) => r.body.recipient_id)).size).toBe(30);

    const reserved = bodies.reduce((sum, b) => sum + b.amount, 0);
    expect(await balance(org.testKey)).toMatchObject({
      available: 1_000_000 - reserved,
      reserved,
    });
    // Grouped: fewer reserving ledger transactions than requests (one per group).
    const [postings] = await db.execute<{ n: number }>(sql`
      select count(*)::int as n from ledger_transactions
      where organisation_id = ${org.organisation.id} and description = 'payout reserve'`);
    expect(postings?.n).toBeLessThan(30);
    expect(await verifyLedger(db)).toEqual({ ok: true, problems: [] });

    // Each key replays exactly its own response.
    const replays = await parallelCreates(org.testKey, bodies);
    expect(replays.map((r) => r.headers.get("idempotent-replayed"))).toEqual(
      bodies.map(() => "true"),
    );
    expect(replays.map((r) => r.body.id)).toEqual(responses.map((r) => r.body.id));
  });

  it("answers each request on its own when one in the group is refused", async () => {
    const org = await createTestOrganisation(db, "Partly funded");
    await fund(org.testKey, 550);
    const bodies = [
      ...Array.from({ length: 9 }, (_, i) => payoutBody(`p${i}@example.com`, 100)),
      { recipient_id: "rcp_doesnotexist", amount: 100, currency: "USD" },
    ];
    const responses = await parallelCreates(org.testKey, bodies);
    const unknown = responses[9];
    expect(unknown?.status).toBe(422);
    expect(unknown?.body.code).toBe("validation_failed");
    const paid = responses.slice(0, 9);
    // 550 covers five payouts of 100: exactly five are created, four refused cleanly.
    expect(paid.filter((r) => r.status === 201)).toHaveLength(5);
    const refused = paid.filter((r) => r.status !== 201);
    expect(refused.map((r) => r.body.code)).toEqual(refused.map(() => "insufficient_funds"));
    expect(await balance(org.testKey)).toMatchObject({ available: 50, reserved: 500 });
    const [rows] = await db
      .select({ n: count() })
      .from(payouts)
      .where(eq(payouts.organisationId, org.organisation.id));
    expect(rows?.n).toBe(5);
    expect(await verifyLedger(db)).toEqual({ ok: true, problems: [] });
  });
});

describe("payout reads and cancel", () => {
  it("hides a payout from other organisations and the other mode (404, never its data)", async () => {
    const created = await call(createPayout, "POST", "/payouts", {
      key: acme.testKey,
      idempotencyKey: "po-private",
      body: payoutBody("private@example.com", 999),
    });
    const id = created.body.id as string;
    for (const key of [rival.testKey, rival.liveKey, acme.liveKey]) {
      const read = await call(getPayout, "GET", `/payouts/${id}`, { key, params: { id } });
      expect(read.status).toBe(404);
      expect(JSON.stringify(read.body)).not.toContain("999");
      const cancel = await call(cancelPayout, "POST", `/payouts/${id}/cancel`, {
        key,
        params: { id },
      });
      expect(cancel.status).toBe(404);
    }
    const own = await call(getPayout, "GET", `/payouts/${id}`, {
      key: acme.testKey,
      params: { id },
    });
    expect(own.body.status).toBe("pending");
  });

  it("cancels a pending payout and releases its funds, once", async () => {
    const created = await call(createPayout, "POST", "/payouts", {
      key: acme.testKey,
      idempotencyKey: "po-cancel",
      body: payoutBody("cancel@example.com", 3_000),
    });
    const id = created.body.id as string;
    const before = await balance(acme.testKey);
    const res = await call(cancelPayout, "POST", `/payouts/${id}/cancel`, {
      key: acme.testKey,
      params: { id },
    });
    expect(res.status).toBe(200);
    expect(res.body.status).toBe("canceled");
    const after = await balance(acme.testKey);
    expect(after.available).toBe(before.available + 3_000);
    expect(after.reserved).toBe(before.reserved - 3_000);
    const again = await call(cancelPayout, "POST", `/payouts/${id}/cancel`, {
      key: acme.testKey,
      params: { id },
    });
    expect(again.status).toBe(409);
    expect(again.body.code).toBe("invalid_state_transition");
    expect((await balance(acme.testKey)).available).toBe(after.available);
  });

  it("lists with filters and cursor pagination", async () => {
    const org = await createTestOrganisation(db, "Lister");
    await fund(org.testKey, 1_000_000);
    const ids: string[] = [];
    for (let i = 0; i < 3; i++) {
      const res = await call(createPayout, "POST", "/payouts", {
        key: org.testKey,
        idempotencyKey: `list-${i}`,
        body: payoutBody(`list${i}@example.com`, 100 + i),
      });
      ids.push(res.body.id);
    }
    await call(cancelPayout, "POST", `/payouts/${ids[0]}/cancel`, {
      key: org.testKey,
      params: { id: ids[0] as string },
    });
    const page1 = await call(listPayouts, "GET", "/payouts", {
      key: org.testKey,
      query: { limit: "2" },
    });
    expect(page1.body.data.map((p: { id: string }) => p.id)).toEqual([ids[2], ids[1]]);
    expect(page1.body.has_more).toBe(true);
    const page2 = await call(listPayouts, "GET", "/payouts", {
      key: org.testKey,
      query: { limit: "2", starting_after: ids[1] as string },
    });
    expect(page2.body.data.map((p: { id: string }) => p.id)).toEqual([ids[0]]);
    expect(page2.body.has_more).toBe(false);

    const canceled = await call(listPayouts, "GET", "/payouts", {
      key: org.testKey,
      query: { status: "canceled" },
    });
    expect(canceled.body.data.map((p: { id: string }) => p.id)).toEqual([ids[0]]);
    const recipientId = page1.body.data[0].recipient_id as string;
    const byRecipient = await call(listPayouts, "GET", "/payouts", {
      key: org.testKey,
      query: { recipient_id: recipientId },
    });
    expect(byRecipient.body.data.map((p: { id: string }) => p.id)).toEqual([ids[2]]);
    const future = await call(listPayouts, "GET", "/payouts", {
      key: org.testKey,
      query: { "created[gte]": new Date(Date.now() + 60_000).toISOString() },
    });
    expect(future.body.data).toEqual([]);
    const badStatus = await call(listPayouts, "GET", "/payouts", {
      key: org.testKey,
      query: { status: "vanished", limit: "101" },
    });
    expect(badStatus.status).toBe(422);
    expect(badStatus.body.errors.map((e: { path: string }) => e.path).sort()).toEqual([
      "limit",
      "status",
    ]);
    const other = await call(listPayouts, "GET", "/payouts", { key: rival.testKey });
    expect(other.body.data).toEqual([]);
  });
  it("filters by batch and creation time, and shows test payouts to no live key", async () => {
    const org = await createTestOrganisation(db, "Filterer");
    await fund(org.testKey, 1_000_000);
    const single = (n: number) =>
      call(createPayout, "POST", "/payouts", {
        key: org.testKey,
        idempotencyKey: `single-${n}`,
        body: payoutBody(`single${n}@example.com`),
      });
    await single(1);
    const batch = await call(createBatch, "POST", "/batches", {
      key: org.testKey,
      idempotencyKey: "filtered-batch",
      body: { name: "Filtered", currency: "USD", items: [item(1), item(2)] },
    });
    await single(2);
    const all = await call(listPayouts, "GET", "/payouts", { key: org.testKey });
    expect(all.body.data).toHaveLength(4);

    const inBatch = await call(listPayouts, "GET", "/payouts", {
      key: org.testKey,
      query: { batch_id: batch.body.id },
    });
    expect(inBatch.body.data).toHaveLength(2);
    expect(idsOf(inBatch)).toEqual(
      all.body.data
        .filter((p: { batch_id: string | null }) => p.batch_id === batch.body.id)
        .map((p: { id: string }) => p.id),
    );
    // The batch's two payouts share its creation instant: the boundary holds for ties too.
    expect(inBatch.body.data.map((p: { created_at: string }) => p.created_at)).toEqual([
      batch.body.created_at,
      batch.body.created_at,
    ]);
    await expectCreatedRange(
      listPayouts,
      "/payouts",
      org.testKey,
      all.body.data,
      batch.body.created_at,
    );

    for (const query of [{}, { batch_id: batch.body.id }] as Record<string, string>[]) {
      const live = await call(listPayouts, "GET", "/payouts", { key: org.liveKey, query });
      expect(live.status).toBe(200);
      expect(live.body.data).toEqual([]);
    }
  });
});

describe("POST /v1/batches", () => {
  it("accepts 10,000 items in one call and reserves the total", async () => {
    const org = await createTestOrganisation(db, "Big");
    await fund(org.testKey, 10_000 * 100);
    const res = await call(createBatch, "POST", "/batches", {
      key: org.testKey,
      idempotencyKey: "big-batch",
      body: {
        name: "Ten thousand",
        currency: "USD",
        items: Array.from({ length: 10_000 }, (_, i) => item(i)),
      },
    });
    expect(res.status).toBe(201);
    expect(res.body).toMatchObject({
      object: "batch",
      item_count: 10_000,
      total_amount: 1_000_000,
    });
    expect(await balance(org.testKey)).toMatchObject({ available: 0, reserved: 1_000_000 });

    const fetched = await call(getBatch, "GET", `/batches/${res.body.id}`, {
      key: org.testKey,
      params: { id: res.body.id },
    });
    const progress = fetched.body.progress as Record<string, number>;
    expect(Object.values(progress).reduce((a, b) => a + b, 0)).toBe(10_000);

    const hidden = await call(getBatch, "GET", `/batches/${res.body.id}`, {
      key: rival.testKey,
      params: { id: res.body.id },
    });
    expect(hidden.status).toBe(404);
    // Time is measured by `npm run bench:api`; a shared CI machine only proves correctness.
  }, 180_000);

  it("rejects a batch with 3 bad items, naming exactly those indexes, and reserves nothing", async () => {
    const org = await createTestOrganisation(db, "Careful");
    await fund(org.testKey, 1_000_000);
    const items: unknown[] = Array.from({ length: 500 }, (_, i) => item(i));
    items[3] = { ...item(3), amount: 0 };
    items[250] = { recipient: { email: "not-an-email", country: "US" }, amount: 100 };
    items[499] = { ...item(499), recipient: { email: "ok@example.com", country: "ZZ" } };
    const res = await call(createBatch, "POST", "/batches", {
      key: org.testKey,
      idempotencyKey: "careful-batch",
      body: { name: "Careful", currency: "USD", items },
    });
    expect(res.status).toBe(422);
    const indexes = new Set(
      res.body.errors.map((e: { path: string }) => Number(e.path.split(".")[1])),
    );
    expect([...indexes].sort((a, b) => (a as number) - (b as number))).toEqual([3, 250, 499]);
    expect(res.body.errors.every((e: { path: string }) => e.path.startsWith("items."))).toBe(true);
    expect(await balance(org.testKey)).toMatchObject({ available: 1_000_000, reserved: 0 });
    const [row] = await db
      .select({ n: count() })
      .from(batches)
      .where(eq(batches.organisationId, org.organisation.id));
    expect(row?.n).toBe(0);
  });

  it("reserves nothing when the balance cannot cover the whole batch", async () => {
    const org = await createTestOrganisation(db, "Short");
    await fund(org.testKey, 250);
    const res = await call(createBatch, "POST", "/batches", {
      key: org.testKey,
      idempotencyKey: "short-batch",
      body: { name: "Short", currency: "USD", items: [item(1), item(2), item(3)] },
    });
    expect(res.status).toBe(422);
    expect(res.body.code).toBe("insufficient_funds");
    expect(await balance(org.testKey)).toMatchObject({ available: 250, reserved: 0 });
  });

  it("refuses more than 10,000 items", async () => {
    const res = await call(createBatch, "POST", "/batches", {
      key: acme.testKey,
      idempotencyKey: "huge-batch",
      body: {
        name: "Too big",
        currency: "USD",
        items: Array.from({ length: 10_001 }, (_, i) => item(i)),
      },
    });
    expect(res.status).toBe(422);
    expect(res.body.errors).toEqual([
      expect.objectContaining({ path: "items", message: expect.stringMatching(/10000/) }),
    ]);
  });

  it("lists batches for their owner only", async () => {
    const own = await call(listBatches, "GET", "/batches", { key: acme.testKey });
    expect(own.status).toBe(200);
    const other = await call(listBatches, "GET", "/batches", { key: rival.testKey });
    expect(other.body.data).toEqual([]);
  });
});

describe("GET /v1/batches", () => {
  it("pages, filters by status and creation time, and shows test batches to no live key", async () => {
    const org = await createTestOrganisation(db, "Campaigner");
    // Above 10.00 USD a campaign waits for approval; below, it goes straight to processing.
    await db
      .update(organisations)
      .set({ approvalThresholds: { USD: "1000" } })
      .where(eq(organisations.id, org.organisation.id));
    await fund(org.testKey, 1_000_000);
    const made: { id: string; status: string; created_at: string }[] = [];
    for (const [i, amount] of [100, 5_000, 200].entries()) {
      const res = await call(createBatch, "POST", "/batches", {
        key: org.testKey,
        idempotencyKey: `campaign-${i}`,
        body: { name: `Campaign ${i}`, currency: "USD", items: [item(i, amount)] },
      });
      made.push(res.body);
    }
    const newestFirst = [...made].reverse();
    expect(newestFirst.map((b) => b.status)).toEqual([
      "processing",
      "awaiting_approval",
      "processing",
    ]);
    const list = (query: Record<string, string>, key = org.testKey) =>
      call(listBatches, "GET", "/batches", { key, query });

    let cursor: Record<string, string> = {};
    for (const [i, batch] of newestFirst.entries()) {
      const page = await list({ limit: "1", ...cursor });
      expect(idsOf(page)).toEqual([batch.id]);
      expect(page.body.has_more).toBe(i < newestFirst.length - 1);
      cursor = { starting_after: batch.id };
    }
    const whole = await list({ limit: "3" });
    expect(idsOf(whole)).toEqual(newestFirst.map((b) => b.id));
    expect(whole.body.has_more).toBe(false);
    const invalid: Record<string, string>[] = [
      { limit: "0" },
      { limit: "101" },
      { status: "pending" },
    ];
    for (const query of invalid) {
      const res = await list(query);
      expect(res.status).toBe(422);
      expect(res.body.errors.map((e: { path: string }) => e.path)).toEqual(Object.keys(query));
    }

    expect(idsOf(await list({ status: "awaiting_approval" }))).toEqual([made[1]?.id]);
    expect(idsOf(await list({ status: "processing" }))).toEqual([made[2]?.id, made[0]?.id]);
    expect(idsOf(await list({ status: "completed" }))).toEqual([]);
    await expectCreatedRange(
      listBatches,
      "/batches",
      org.testKey,
      newestFirst,
      made[1]?.created_at as string,
    );

    expect((await list({}, org.liveKey)).body.data).toEqual([]);
    const id = made[0]?.id as string;
    const live = await call(getBatch, "GET", `/batches/${id}`, {
      key: org.liveKey,
      params: { id },
    });
    expect(live.status).toBe(404);
    expect(JSON.stringify(live.body)).not.toContain("Campaign");
  });
});
