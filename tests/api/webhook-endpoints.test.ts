import { eq } from "drizzle-orm";
import { Webhook } from "standardwebhooks";
import { beforeAll, describe, expect, it } from "vitest";
import { POST as rotate } from "@/app/api/v1/webhook_endpoints/[id]/rotate_secret/route";
import { DELETE, GET as getOne, PATCH } from "@/app/api/v1/webhook_endpoints/[id]/route";
import { GET as list, POST } from "@/app/api/v1/webhook_endpoints/route";
import { db } from "@/db/client";
import { webhookEndpoints } from "@/db/schema";
import {
  endpointsForEvent,
  getWebhookEndpoint,
  webhookSigningSecret,
} from "@/lib/webhooks/endpoints";
import { call } from "@/tests/fixtures/api-requests";
import { createTestOrganisation, type TestOrganisation } from "@/tests/fixtures/organisations";

process.env.AUTH_SECRET ??= "test-secret-for-sealing-webhook-secrets-0000";

let acme: TestOrganisation;
let rival: TestOrganisation;

beforeAll(async () => {
  acme = await createTestOrganisation(db, "Acme");
  rival = await createTestOrganisation(db, "Rival");
});

async function create(key: string, body: unknown) {
  return call(POST, "POST", "/webhook_endpoints", { key, body });
}

describe("POST /v1/webhook_endpoints", () => {
  it("returns the signing secret once and stores it sealed", async () => {
    const res = await create(acme.testKey, {
      url: "http://localhost:4000/hooks",
      description: "staging",
      event_types: ["payout.paid", "payout.failed", "payout.paid"],
    });
    expect(res.status).toBe(201);
    expect(res.body).toMatchObject({
      object: "webhook_endpoint",
      livemode: false,
      url: "http://localhost:4000/hooks",
      event_types: ["payout.failed", "payout.paid"],
      status: "enabled",
    });
    expect(res.body.secret).toMatch(/^whsec_[A-Za-z0-9+/]{32}$/);

    const [row] = await db
      .select()
      .from(webhookEndpoints)
      .where(eq(webhookEndpoints.id, res.body.id));
    expect(row?.secretCiphertext).not.toContain(res.body.secret.slice(6));
    const endpoint = await getWebhookEndpoint(
      db,
      { organisationId: acme.organisation.id, mode: "test" },
      res.body.id,
    );
    expect(webhookSigningSecret(endpoint)).toBe(res.body.secret);

    // The recovered secret signs deliveries a Standard Webhooks receiver accepts.
    const payload = JSON.stringify({ type: "payout.paid" });
    const signer = new Webhook(webhookSigningSecret(endpoint));
    const now = new Date();
    const signature = signer.sign("evt_1", now, payload);
    const verified = new Webhook(res.body.secret).verify(payload, {
      "webhook-id": "evt_1",
      "webhook-timestamp": String(Math.floor(now.getTime() / 1000)),
      "webhook-signature": signature,
    });
    expect(verified).toEqual({ type: "payout.paid" });

    const fetched = await call(getOne, "GET", `/webhook_endpoints/${res.body.id}`, {
      key: acme.testKey,
      params: { id: res.body.id },
    });
    expect(fetched.body.secret).toBeUndefined();
  });

  it("refuses unknown event types and non-https URLs in live mode", async () => {
    const bad = await create(acme.testKey, { url: "ftp://x", event_types: ["payout.exploded"] });
    expect(bad.status).toBe(422);
    expect(bad.body.errors.map((e: { path: string }) => e.path).sort()).toEqual([
      "event_types.0",
      "url",
    ]);
    const live = await create(acme.liveKey, { url: "http://example.com/hooks" });
    expect(live.status).toBe(422);
    expect(live.body.errors).toEqual([
      { path: "url", message: "expected an https:// URL in live mode" },
    ]);
  });
});

describe("webhook endpoint lifecycle", () => {
  it("updates, pauses, resumes, rotates and deletes, only for its owner", async () => {
    const created = await create(acme.testKey, { url: "https://example.com/a" });
    const id = created.body.id as string;
    const params = { id };

    for (const key of [rival.testKey, acme.liveKey]) {
      expect((await call(getOne, "GET", `/webhook_endpoints/${id}`, { key, params })).status).toBe(
        404,
      );
      expect(
        (
          await call(PATCH, "PATCH", `/webhook_endpoints/${id}`, {
            key,
            params,
            body: { url: "https://evil.example" },
          })
        ).status,
      ).toBe(404);
      expect(
        (await call(rotate, "POST", `/webhook_endpoints/${id}/rotate_secret`, { key, params }))
          .status,
      ).toBe(404);
      expect(
        (await call(DELETE, "DELETE", `/webhook_endpoints/${id}`, { key, params })).status,
      ).toBe(404);
    }

    const paused = await call(PATCH, "PATCH", `/webhook_endpoints/${id}`, {
      key: acme.testKey,
      params,
      body: { disabled: true, event_types: ["batch.completed"] },
    });
    expect(paused.body).toMatchObject({
      status: "disabled",
      disabled_reason: "disabled_by_user",
      event_types: ["batch.completed"],
      url: "https://example.com/a",
    });
    const scope = { organisationId: acme.organisation.id, mode: "test" as const };
    expect((await endpointsForEvent(db, scope, "batch.completed")).map((e) => e.id)).not.toContain(
      id,
    );

    const resumed = await call(PATCH, "PATCH", `/webhook_endpoints/${id}`, {
      key: acme.testKey,
      params,
      body: { disabled: false },
    });
    expect(resumed.body.status).toBe("enabled");
    expect((await endpointsForEvent(db, scope, "batch.completed")).map((e) => e.id)).toContain(id);
    expect((await endpointsForEvent(db, scope, "payout.paid")).map((e) => e.id)).not.toContain(id);

    const rotated = await call(rotate, "POST", `/webhook_endpoints/${id}/rotate_secret`, {
      key: acme.testKey,
      params,
    });
    expect(rotated.status).toBe(200);
    expect(rotated.body.secret).toMatch(/^whsec_/);
    expect(rotated.body.secret).not.toBe(created.body.secret);
    expect(webhookSigningSecret(await getWebhookEndpoint(db, scope, id))).toBe(rotated.body.secret);

    const deleted = await call(DELETE, "DELETE", `/webhook_endpoints/${id}`, {
      key: acme.testKey,
      params,
    });
    expect(deleted.body).toEqual({ id, object: "webhook_endpoint", deleted: true });
    expect(
      (await call(getOne, "GET", `/webhook_endpoints/${id}`, { key: acme.testKey, params })).status,
    ).toBe(404);
  });

  it("refuses an invalid update, naming each field, and changes nothing", async () => {
    const read = (key: string, id: string) =>
      call(getOne, "GET", `/webhook_endpoints/${id}`, { key, params: { id } });
    const patch = (key: string, id: string, body: unknown) =>
      call(PATCH, "PATCH", `/webhook_endpoints/${id}`, { key, params: { id }, body });

    const id = (await create(acme.testKey, { url: "https://example.com/kept" })).body.id as string;
    const before = await read(acme.testKey, id);
    const bad = await patch(acme.testKey, id, {
      url: "ftp://example.com/hooks",
      event_types: ["payout.paid", "payout.exploded"],
      secret: "whsec_mine",
    });
    expect(bad.status).toBe(422);
    expect(bad.headers.get("content-type")).toBe("application/problem+json");
    expect(bad.body.code).toBe("validation_failed");
    expect(bad.body.errors).toEqual(
      expect.arrayContaining([
        { path: "url", message: "expected an absolute http(s) URL" },
        { path: "", message: "unknown field: secret" },
      ]),
    );
    expect(bad.body.errors.map((e: { path: string }) => e.path).sort()).toEqual([
      "",
      "event_types.1",
      "url",
    ]);
    expect((await read(acme.testKey, id)).body).toEqual(before.body);

    const liveId = (await create(acme.liveKey, { url: "https://example.com/live" })).body.id;
    const insecure = await patch(acme.liveKey, liveId, { url: "http://example.com/live" });
    expect(insecure.status).toBe(422);
    expect(insecure.body.errors).toEqual([
      { path: "url", message: "expected an https:// URL in live mode" },
    ]);
    expect((await read(acme.liveKey, liveId)).body.url).toBe("https://example.com/live");
  });

  it("lists endpoints per mode with pagination", async () => {
    const org = await createTestOrganisation(db, "Lister");
    const ids: string[] = [];
    for (let i = 0; i < 3; i++)
      ids.push((await create(org.testKey, { url: `https://example.com/${i}` })).body.id);
    const page = await call(list, "GET", "/webhook_endpoints", {
      key: org.testKey,
      query: { limit: "2" },
    });
    expect(page.body.data.map((e: { id: string }) => e.id)).toEqual([ids[2], ids[1]]);
    expect(page.body.has_more).toBe(true);
    expect(page.body.data[0].secret).toBeUndefined();
    const rest = await call(list, "GET", "/webhook_endpoints", {
      key: org.testKey,
      query: { starting_after: ids[1] as string },
    });
    expect(rest.body.data.map((e: { id: string }) => e.id)).toEqual([ids[0]]);
    expect(rest.body.has_more).toBe(false);
    const live = await call(list, "GET", "/webhook_endpoints", { key: org.liveKey });
    expect(live.body.data).toEqual([]);
  });
});
