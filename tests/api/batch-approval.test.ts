import { and, eq } from "drizzle-orm";
import { beforeAll, describe, expect, it } from "vitest";
import { POST as approve } from "@/app/api/v1/batches/[id]/approve/route";
import { GET as getBatch } from "@/app/api/v1/batches/[id]/route";
import { POST as createBatch } from "@/app/api/v1/batches/route";
import { GET as getPayouts } from "@/app/api/v1/payouts/route";
import { db } from "@/db/client";
import { auditLog, events, organisations } from "@/db/schema";
import { createApiKey } from "@/lib/api-keys/keys";
import { createBatchAsMember } from "@/lib/batches/create-as-member";
import { addMember } from "@/tests/dashboard/fixtures";
import { call } from "@/tests/fixtures/api-requests";
import { createTestOrganisation, type TestOrganisation } from "@/tests/fixtures/organisations";
import { fundByApi, writeCounts } from "@/tests/fixtures/payout-api";

let acme: TestOrganisation;
let rival: TestOrganisation;
let secondKey: { id: string; secret: string };

beforeAll(async () => {
  acme = await createTestOrganisation(db, "Acme");
  rival = await createTestOrganisation(db, "Rival");
  for (const org of [acme, rival]) {
    await db
      .update(organisations)
      .set({ approvalThresholds: { USD: "1000" } })
      .where(eq(organisations.id, org.organisation.id));
    await fundByApi(org.testKey, 1_000_000);
  }
  const made = await createApiKey(db, {
    organisationId: acme.organisation.id,
    mode: "test",
    name: "checker",
  });
  secondKey = { id: made.apiKey.id, secret: made.secret };
});

let n = 0;
async function bigBatch(key: string) {
  const res = await call(createBatch, "POST", "/batches", {
    key,
    idempotencyKey: `big-${++n}`,
    body: {
      name: "Over the threshold",
      currency: "USD",
      items: [
        { recipient: { email: `a${n}@example.com`, country: "US" }, amount: 800 },
        { recipient: { email: `b${n}@example.com`, country: "US" }, amount: 700 },
      ],
    },
  });
  expect(res.status).toBe(201);
  expect(res.body.status).toBe("awaiting_approval");
  return res.body as { id: string };
}

const approveWith = (key: string, id: string, options = {}) =>
  call(approve, "POST", `/batches/${id}/approve`, { key, params: { id }, ...options });

describe("POST /v1/batches/{id}/approve", () => {
  it("refuses the key that created the batch (maker–checker), changing nothing", async () => {
    const batch = await bigBatch(acme.testKey);
    const before = await writeCounts(db, acme.organisation.id);
    const res = await approveWith(acme.testKey, batch.id);
    expect(res.status).toBe(403);
    expect(res.body.code).toBe("forbidden");
    expect(await writeCounts(db, acme.organisation.id)).toEqual(before);
  });

  it("lets another key approve, audited, and its payouts then wait for the fan-out, not for approval", async () => {
    const batch = await bigBatch(acme.testKey);
    const pending = await call(getPayouts, "GET", "/payouts", {
      key: acme.testKey,
      query: { batch_id: batch.id },
    });
    for (const p of pending.body.data) {
      expect(p.status_reason.code).toBe("awaiting_approval");
    }
    const created = await db
      .select({ data: events.data })
      .from(events)
      .where(
        and(eq(events.organisationId, acme.organisation.id), eq(events.type, "payout.created")),
      );
    const ofBatch = created.filter(
      (e) => (e.data as { object: { batch_id: string } }).object.batch_id === batch.id,
    );
    expect(
      ofBatch.map(
        (e) =>
          (e.data as { object: { status_reason: { code: string } } }).object.status_reason.code,
      ),
    ).toEqual(["awaiting_approval", "awaiting_approval"]);

    const res = await approveWith(secondKey.secret, batch.id);
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({ id: batch.id, status: "processing" });
    const [audit] = await db
      .select()
      .from(auditLog)
      .where(and(eq(auditLog.targetId, batch.id), eq(auditLog.action, "campaign.approve")));
    expect(audit).toMatchObject({
      actorId: `api:${secondKey.id}`,
      after: { status: "processing", approvedBy: `api_key:${secondKey.id}` },
    });
    const after = await call(getPayouts, "GET", "/payouts", {
      key: acme.testKey,
      query: { batch_id: batch.id },
    });
    for (const p of after.body.data) expect(p.status_reason.code).toBe("screening");

    const again = await approveWith(acme.testKey, batch.id);
    expect(again.status).toBe(409);
    expect(again.body.code).toBe("invalid_state_transition");
  });

  it("lets a key approve a campaign a member created in the dashboard", async () => {
    const user = await addMember(db, acme.organisation.id, "finance");
    const member = {
      scope: { organisationId: acme.organisation.id, mode: "test" as const },
      actor: { id: user.id },
    };
    const { batch } = await createBatchAsMember(
      db,
      member,
      {
        name: "From the dashboard",
        currency: "USD",
        message: undefined,
        allowedMethods: [],
        expiresInDays: 30,
      },
      [
        { recipient: { email: "m1@example.com", country: "US" }, amount: 900n },
        { recipient: { email: "m2@example.com", country: "US" }, amount: 900n },
      ],
    );
    expect(batch.status).toBe("awaiting_approval");
    const res = await approveWith(acme.testKey, batch.id);
    expect(res.status).toBe(200);
    const read = await call(getBatch, "GET", `/batches/${batch.id}`, {
      key: acme.testKey,
      params: { id: batch.id },
    });
    expect(read.body.status).toBe("processing");
  });

  it("answers another organisation's batch, a live key and an unknown id with 404", async () => {
    const theirs = await bigBatch(rival.testKey);
    const before = await writeCounts(db, rival.organisation.id);
    for (const [key, id] of [
      [acme.testKey, theirs.id],
      [rival.liveKey, theirs.id],
      [rival.testKey, "bat_0000000000000000000000000"],
      [rival.testKey, "bat_%ZZ"],
    ] as const) {
      const res = await approveWith(key, id);
      expect(res.status, `${id}`).toBe(404);
      expect(res.headers.get("content-type")).toBe("application/problem+json");
    }
    expect(await writeCounts(db, rival.organisation.id)).toEqual(before);
  });

  it("replays a repeated Idempotency-Key and refuses a body", async () => {
    const batch = await bigBatch(acme.testKey);
    const first = await approveWith(secondKey.secret, batch.id, { idempotencyKey: "ok-1" });
    const again = await approveWith(secondKey.secret, batch.id, { idempotencyKey: "ok-1" });
    expect(first.status).toBe(200);
    expect(again.status).toBe(200);
    expect(again.headers.get("idempotent-replayed")).toBe("true");
    expect(again.body).toEqual(first.body);
    const junk = await approveWith(secondKey.secret, batch.id, {
      rawBody: "{",
      headers: { "content-type": "application/json" },
    });
    expect(junk.status).toBe(400);
  });
});
