import { count, eq, sql } from "drizzle-orm";
import { beforeAll, describe, expect, it, onTestFinished, vi } from "vitest";
import { z } from "zod";
import { apiRoute } from "@/app/api/v1/api-route";
import { POST as createRecipientRoute } from "@/app/api/v1/recipients/route";
import { db } from "@/db/client";
import { apiKeys, idempotencyKeys, recipients } from "@/db/schema";
import { purgeExpiredIdempotencyKeys } from "@/lib/api/idempotency";
import { defineOperation } from "@/lib/api/operation";
import { revokeApiKey } from "@/lib/api-keys/keys";
import { AppError } from "@/lib/errors";
import { call } from "@/tests/fixtures/api-requests";
import { createTestOrganisation, type TestOrganisation } from "@/tests/fixtures/organisations";

let acme: TestOrganisation;

beforeAll(async () => {
  acme = await createTestOrganisation(db, "Acme");
});

/** A test-only endpoint whose handler can be made to wait, fail or succeed on demand. */
function controllableRoute() {
  let release: () => void = () => {};
  let gate = Promise.resolve();
  const behaviour: { fail?: "client" | "crash" } = {};
  const operation = defineOperation({
    method: "POST",
    path: "/things",
    operationId: "createThing",
    tag: "Test",
    summary: "Create a thing",
    idempotency: "required",
    body: z.object({ email: z.string() }),
    response: { status: 201, schema: z.object({ id: z.string() }), description: "thing" },
  });
  const route = apiRoute(operation, async ({ db: tx, scope, body }) => {
    await gate;
    const [row] = await tx
      .insert(recipients)
      .values({
        id: `rcp_${crypto.randomUUID().replaceAll("-", "").slice(0, 26)}`,
        ...scope,
        email: body.email,
        country: "US",
      })
      .returning();
    if (behaviour.fail === "client") throw new AppError("insufficient_funds", "Not enough money.");
    if (behaviour.fail === "crash") throw new Error("database password is hunter2");
    return { id: row?.id as string };
  });
  return {
    route,
    behaviour,
    hold() {
      gate = new Promise((resolve) => {
        release = resolve;
      });
    },
    release: () => release(),
  };
}

async function recipientCount(email: string): Promise<number> {
  const [row] = await db.select({ n: count() }).from(recipients).where(eq(recipients.email, email));
  return row?.n ?? 0;
}

describe("authentication", () => {
  const body = { email: "auth@example.com", country: "US" };

  it("refuses a request without a key", async () => {
    const res = await call(createRecipientRoute, "POST", "/recipients", { body });
    expect(res.status).toBe(401);
    expect(res.headers.get("content-type")).toBe("application/problem+json");
    expect(res.headers.get("request-id")).toMatch(/^req_/);
    expect(res.body).toMatchObject({
      type: "https://disburse.dev/problems/unauthenticated",
      title: "Unauthenticated",
      status: 401,
      code: "unauthenticated",
      request_id: res.headers.get("request-id"),
    });
    expect(res.body.detail).toMatch(/Authorization: Bearer/);
  });

  it("refuses malformed, unknown and non-Bearer credentials", async () => {
    const attempts = [
      { headers: { authorization: "Basic dXNlcjpwYXNz" }, detail: /malformed/ },
      { key: "sk_test_short", detail: /malformed/ },
      { key: "pk_test_0123456789012345678901234567890123456789", detail: /malformed/ },
      { key: `sk_test_${"A".repeat(40)}`, detail: /not recognised/ },
    ];
    for (const attempt of attempts) {
      const res = await call(createRecipientRoute, "POST", "/recipients", { ...attempt, body });
      expect(res.status).toBe(401);
      expect(res.body.detail).toMatch(attempt.detail);
    }
    expect(await recipientCount(body.email)).toBe(0);
  });

  it("refuses a revoked key at once", async () => {
    const org = await createTestOrganisation(db, "Revoker");
    const ok = await call(createRecipientRoute, "POST", "/recipients", { key: org.testKey, body });
    expect(ok.status).toBe(201);
    await revokeApiKey(db, { organisationId: org.organisation.id }, org.testKeyId);
    const res = await call(createRecipientRoute, "POST", "/recipients", { key: org.testKey, body });
    expect(res.status).toBe(401);
    expect(res.body.detail).toMatch(/revoked/);
  });

  it("records when a key was last used", async () => {
    const org = await createTestOrganisation(db, "Tracker");
    await call(createRecipientRoute, "POST", "/recipients", { key: org.liveKey, body });
    const [row] = await db.select().from(apiKeys).where(eq(apiKeys.id, org.liveKeyId));
    expect(row?.lastUsedAt).toBeInstanceOf(Date);
    expect(Date.now() - (row?.lastUsedAt?.getTime() ?? 0)).toBeLessThan(10_000);
  });
});

describe("errors", () => {
  it("answers 500 without leaking the internal message, and releases the idempotency key", async () => {
    const thing = controllableRoute();
    thing.behaviour.fail = "crash";
    const res = await call(thing.route, "POST", "/things", {
      key: acme.testKey,
      idempotencyKey: "crash-1",
      body: { email: "crash@example.com" },
    });
    expect(res.status).toBe(500);
    expect(res.body.code).toBe("internal_error");
    expect(JSON.stringify(res.body)).not.toContain("hunter2");
    expect(await recipientCount("crash@example.com")).toBe(0);

    thing.behaviour.fail = undefined;
    const retry = await call(thing.route, "POST", "/things", {
      key: acme.testKey,
      idempotencyKey: "crash-1",
      body: { email: "crash@example.com" },
    });
    expect(retry.status).toBe(201);
    expect(retry.headers.get("idempotent-replayed")).toBeNull();
    expect(await recipientCount("crash@example.com")).toBe(1);
  });
});

describe("request bodies", () => {
  it("refuses bodies over the size limit before parsing them", async () => {
    const res = await call(createRecipientRoute, "POST", "/recipients", {
      key: acme.testKey,
      rawBody: JSON.stringify({
        email: "big@example.com",
        country: "US",
        pad: "x".repeat(9 * 1024 * 1024),
      }),
      headers: { "content-type": "application/json" },
    });
    expect(res.status).toBe(413);
    expect(res.body.code).toBe("payload_too_large");
  });

  it("stops reading a body sent without Content-Length at the limit, and answers 413", async () => {
    const chunk = new Uint8Array(64 * 1024).fill(0x20);
    const total = 20 * 1024 * 1024;
    let sent = 0;
    let canceled = false;
    // A chunked upload the test controls: it counts what the server pulls from it.
    const body = new ReadableStream<Uint8Array>({
      pull(controller) {
        if (sent >= total) return controller.close();
        sent += chunk.byteLength;
        controller.enqueue(chunk);
      },
      cancel() {
        canceled = true;
      },
    });
    const request = new Request("http://localhost/api/v1/recipients", {
      method: "POST",
      headers: { authorization: `Bearer ${acme.testKey}`, "content-type": "application/json" },
      body,
      duplex: "half",
    } as RequestInit);
    expect(request.headers.get("content-length")).toBeNull();

    const res = await createRecipientRoute(request, { params: Promise.resolve({}) });

    expect(res.status).toBe(413);
    expect(res.headers.get("content-type")).toContain("application/problem+json");
    expect((await res.json()).code).toBe("payload_too_large");
    expect(canceled).toBe(true);
    // The limit plus what was already in flight, far from the 20 MiB offered.
    expect(sent).toBeLessThanOrEqual(8 * 1024 * 1024 + 4 * chunk.byteLength);
  });

  it("refuses a body that is not declared as JSON", async () => {
    const res = await call(createRecipientRoute, "POST", "/recipients", {
      key: acme.testKey,
      rawBody: "email=a@example.com",
      headers: { "content-type": "application/x-www-form-urlencoded" },
    });
    expect(res.status).toBe(400);
    expect(res.body.detail).toMatch(/Content-Type: application\/json/);
  });

  it("refuses an Idempotency-Key with spaces or over 255 characters", async () => {
    for (const idempotencyKey of ["has space", "k".repeat(256)]) {
      const res = await call(createRecipientRoute, "POST", "/recipients", {
        key: acme.testKey,
        idempotencyKey,
        body: { email: "k@example.com", country: "US" },
      });
      expect(res.status).toBe(400);
      expect(res.body.code).toBe("invalid_request");
    }
    expect(await recipientCount("k@example.com")).toBe(0);
  });
});

describe("idempotency", () => {
  it("requires a key where the endpoint says so", async () => {
    const thing = controllableRoute();
    const res = await call(thing.route, "POST", "/things", {
      key: acme.testKey,
      body: { email: "nokey@example.com" },
    });
    expect(res.status).toBe(400);
    expect(res.body.code).toBe("idempotency_key_required");
    expect(await recipientCount("nokey@example.com")).toBe(0);
  });

  it("replays the first response for a repeated key and body", async () => {
    const thing = controllableRoute();
    const first = await call(thing.route, "POST", "/things", {
      key: acme.testKey,
      idempotencyKey: "replay-1",
      body: { email: "replay@example.com" },
    });
    const second = await call(thing.route, "POST", "/things", {
      key: acme.testKey,
      idempotencyKey: "replay-1",
      body: { email: "replay@example.com" },
    });
    expect(first.status).toBe(201);
    expect(second.status).toBe(201);
    expect(second.body).toEqual(first.body);
    expect(second.headers.get("idempotent-replayed")).toBe("true");
    expect(second.headers.get("request-id")).not.toBe(first.headers.get("request-id"));
    expect(await recipientCount("replay@example.com")).toBe(1);
  });

  it("treats a re-serialised body with the same content as the same request", async () => {
    const first = await call(createRecipientRoute, "POST", "/recipients", {
      key: acme.testKey,
      idempotencyKey: "reorder-1",
      rawBody: '{"email":"order@example.com","country":"US"}',
      headers: { "content-type": "application/json" },
    });
    const second = await call(createRecipientRoute, "POST", "/recipients", {
      key: acme.testKey,
      idempotencyKey: "reorder-1",
      rawBody: '{ "country": "US", "email": "order@example.com" }',
      headers: { "content-type": "application/json" },
    });
    expect(second.headers.get("idempotent-replayed")).toBe("true");
    expect(second.body.id).toBe(first.body.id);
  });

  it("refuses the same key with a different body", async () => {
    const thing = controllableRoute();
    await call(thing.route, "POST", "/things", {
      key: acme.testKey,
      idempotencyKey: "mismatch-1",
      body: { email: "first@example.com" },
    });
    const res = await call(thing.route, "POST", "/things", {
      key: acme.testKey,
      idempotencyKey: "mismatch-1",
      body: { email: "second@example.com" },
    });
    expect(res.status).toBe(422);
    expect(res.body.code).toBe("idempotency_key_reused");
    expect(await recipientCount("second@example.com")).toBe(0);
  });

  it("answers 409 while the first request with the key is still running", async () => {
    const thing = controllableRoute();
    thing.hold();
    const first = call(thing.route, "POST", "/things", {
      key: acme.testKey,
      idempotencyKey: "inflight-1",
      body: { email: "inflight@example.com" },
    });
    await new Promise((r) => setTimeout(r, 200));
    const concurrent = await call(thing.route, "POST", "/things", {
      key: acme.testKey,
      idempotencyKey: "inflight-1",
      body: { email: "inflight@example.com" },
    });
    expect(concurrent.status).toBe(409);
    expect(concurrent.body.code).toBe("idempotency_key_in_use");
    thing.release();
    expect((await first).status).toBe(201);
    const after = await call(thing.route, "POST", "/things", {
      key: acme.testKey,
      idempotencyKey: "inflight-1",
      body: { email: "inflight@example.com" },
    });
    expect(after.headers.get("idempotent-replayed")).toBe("true");
  });

  it("scopes keys to organisation and mode", async () => {
    const other = await createTestOrganisation(db, "Other");
    const thing = controllableRoute();
    const requests = [acme.testKey, acme.liveKey, other.testKey].map((key) =>
      call(thing.route, "POST", "/things", {
        key,
        idempotencyKey: "shared-key",
        body: { email: "scoped@example.com" },
      }),
    );
    const responses = await Promise.all(requests);
    expect(responses.map((r) => r.status)).toEqual([201, 201, 201]);
    expect(new Set(responses.map((r) => r.body.id)).size).toBe(3);
  });

  it("replays a refusal the handler made, without its effects", async () => {
    const thing = controllableRoute();
    thing.behaviour.fail = "client";
    const first = await call(thing.route, "POST", "/things", {
      key: acme.testKey,
      idempotencyKey: "refused-1",
      body: { email: "refused@example.com" },
    });
    thing.behaviour.fail = undefined;
    const second = await call(thing.route, "POST", "/things", {
      key: acme.testKey,
      idempotencyKey: "refused-1",
      body: { email: "refused@example.com" },
    });
    expect(first.status).toBe(422);
    expect(second.status).toBe(422);
    expect(second.body.code).toBe("insufficient_funds");
    expect(second.headers.get("content-type")).toBe("application/problem+json");
    expect(second.headers.get("idempotent-replayed")).toBe("true");
    expect(await recipientCount("refused@example.com")).toBe(0);
  });

  it("lets a retry take over a claim left behind by a crashed request", async () => {
    const thing = controllableRoute();
    thing.hold();
    const abandoned = call(thing.route, "POST", "/things", {
      key: acme.testKey,
      idempotencyKey: "stale-1",
      body: { email: "stale@example.com" },
    });
    await new Promise((r) => setTimeout(r, 200));
    // Simulate the claim being 61 s old, as after a crash.
    await db
      .update(idempotencyKeys)
      .set({ lockedAt: sql`now() - interval '61 seconds'` })
      .where(eq(idempotencyKeys.key, "stale-1"));
    const thing2 = controllableRoute();
    const retry = await call(thing2.route, "POST", "/things", {
      key: acme.testKey,
      idempotencyKey: "stale-1",
      body: { email: "stale@example.com" },
    });
    expect(retry.status).toBe(201);
    // The original finally wakes up: it lost its claim, so its work rolls back.
    thing.release();
    const late = await abandoned;
    expect(late.status).toBe(409);
    expect(await recipientCount("stale@example.com")).toBe(1);
  });

  it("keeps keys for 72 hours, then lets them be reused and purges them", async () => {
    // Time passes for the stored key and for this process's memory of its response alike.
    const start = Date.now();
    const aged = (hours: number) => {
      vi.setSystemTime(start + hours * 3_600_000);
      return db
        .update(idempotencyKeys)
        .set({ createdAt: sql`now() - make_interval(hours => ${hours})` })
        .where(eq(idempotencyKeys.key, "old-1"));
    };
    vi.useFakeTimers({ toFake: ["Date"] });
    onTestFinished(() => {
      vi.useRealTimers();
    });
    const thing = controllableRoute();
    await call(thing.route, "POST", "/things", {
      key: acme.testKey,
      idempotencyKey: "old-1",
      body: { email: "old@example.com" },
    });
    await aged(71);
    const within = await call(thing.route, "POST", "/things", {
      key: acme.testKey,
      idempotencyKey: "old-1",
      body: { email: "new@example.com" },
    });
    expect(within.status).toBe(422);

    await aged(73);
    const reused = await call(thing.route, "POST", "/things", {
      key: acme.testKey,
      idempotencyKey: "old-1",
      body: { email: "new@example.com" },
    });
    expect(reused.status, JSON.stringify(reused.body)).toBe(201);
    expect(reused.headers.get("idempotent-replayed")).toBeNull();

    await db
      .update(idempotencyKeys)
      .set({ createdAt: sql`now() - interval '73 hours'` })
      .where(eq(idempotencyKeys.key, "old-1"));
    expect(await purgeExpiredIdempotencyKeys(db)).toBeGreaterThanOrEqual(1);
    const [left] = await db
      .select({ n: count() })
      .from(idempotencyKeys)
      .where(eq(idempotencyKeys.key, "old-1"));
    expect(left?.n).toBe(0);
  });

  it("creates exactly one object from 50 parallel requests with one key", async () => {
    const requests = Array.from({ length: 50 }, () =>
      call(createRecipientRoute, "POST", "/recipients", {
        key: acme.testKey,
        idempotencyKey: "parallel-1",
        body: { email: "parallel@example.com", country: "US" },
      }),
    );
    const responses = await Promise.all(requests);
    const statuses = responses.map((r) => r.status);
    expect(statuses.every((s) => s === 201 || s === 409)).toBe(true);
    const created = responses.filter((r) => r.status === 201);
    expect(new Set(created.map((r) => r.body.id)).size).toBe(1);
    expect(await recipientCount("parallel@example.com")).toBe(1);
  });
});
