import { and, eq } from "drizzle-orm";
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { GET as eventDeliveries } from "@/app/api/v1/events/[id]/deliveries/route";
import { POST as replay } from "@/app/api/v1/events/[id]/replay/route";
import { GET as endpointDeliveries } from "@/app/api/v1/webhook_endpoints/[id]/deliveries/route";
import { PATCH as updateEndpoint } from "@/app/api/v1/webhook_endpoints/[id]/route";
import { POST as sendTest } from "@/app/api/v1/webhook_endpoints/[id]/test/route";
import { POST as createEndpoint } from "@/app/api/v1/webhook_endpoints/route";
import { db } from "@/db/client";
import { events, webhookDeliveries } from "@/db/schema";
import type { Scope } from "@/db/scope";
import { recordEvent } from "@/lib/events/outbox";
import { relayPendingEvents } from "@/lib/events/relay";
import { runDeliveryLoop } from "@/lib/webhooks/delivery-loop";
import { call } from "@/tests/fixtures/api-requests";
import { createTestOrganisation, type TestOrganisation } from "@/tests/fixtures/organisations";
import { startWebhookReceiver, type WebhookReceiver } from "@/tests/fixtures/webhook-receiver";
import { type EventSink, startEventSink } from "@/tests/functions/harness";

process.env.AUTH_SECRET ??= "test-secret-for-sealing-webhook-secrets-0000";

let acme: TestOrganisation;
let rival: TestOrganisation;
let receiver: WebhookReceiver;
let sink: EventSink;

beforeAll(async () => {
  acme = await createTestOrganisation(db, "Acme");
  rival = await createTestOrganisation(db, "Rival");
  receiver = await startWebhookReceiver();
  sink = await startEventSink();
});

afterAll(async () => {
  await receiver.close();
  await sink.close();
});

afterEach(async () => {
  // Each test delivers what it made; nothing due is left for the next one.
  await deliverDue();
});

const scopeOf = (org: TestOrganisation): Scope => ({
  organisationId: org.organisation.id,
  mode: "test",
});

/** An endpoint on the receiver at `path`, registered with its secret. */
async function endpointAt(org: TestOrganisation, path: string, eventTypes?: string[]) {
  const res = await call(createEndpoint, "POST", "/webhook_endpoints", {
    key: org.testKey,
    body: { url: receiver.url(path), ...(eventTypes ? { event_types: eventTypes } : {}) },
  });
  expect(res.status).toBe(201);
  receiver.register(path, res.body.secret);
  return res.body as { id: string; secret: string };
}

/** An event in the outbox, fanned out to the endpoints that subscribe to it. */
async function fundedEvent(org: TestOrganisation): Promise<string> {
  const id = await recordEvent(db, scopeOf(org), "balance.funded", {
    currency: "USD",
    amount: 5_000n,
    available: 5_000n,
    transaction_id: "ltx_test",
  });
  await relayPendingEvents(db, async () => {});
  // A relay an API request started may hold the row: wait until its deliveries exist.
  await expect
    .poll(async () => (await db.select().from(events).where(eq(events.id, id)))[0]?.relayedAt)
    .not.toBeNull();
  return id;
}

function deliverDue() {
  return runDeliveryLoop(db, { budgetMs: 5_000, timeoutMs: 5_000 });
}

const get = (handler: typeof endpointDeliveries, path: string, key: string, id: string) =>
  call(handler, "GET", path.replace("{id}", id), { key, params: { id } });

async function deliveryRows(eventId: string, endpointId?: string) {
  return db
    .select()
    .from(webhookDeliveries)
    .where(
      and(
        eq(webhookDeliveries.eventId, eventId),
        endpointId ? eq(webhookDeliveries.endpointId, endpointId) : undefined,
      ),
    );
}

describe("GET /v1/webhook_endpoints/{id}/deliveries and /v1/events/{id}/deliveries", () => {
  it("list each delivery with its attempts: status, duration and the answer's excerpt, never the secret", async () => {
    const endpoint = await endpointAt(acme, "/list");
    receiver.answer("/list", (n) =>
      n === 1 ? { status: 503, body: "busy, try later" } : { status: 200, body: "thanks" },
    );
    const eventId = await fundedEvent(acme);
    await deliverDue();
    // The second attempt is due 5 s later; bring it forward rather than wait.
    await db
      .update(webhookDeliveries)
      .set({ nextAttemptAt: new Date() })
      .where(eq(webhookDeliveries.eventId, eventId));
    await deliverDue();

    const byEndpoint = await get(
      endpointDeliveries,
      "/webhook_endpoints/{id}/deliveries",
      acme.testKey,
      endpoint.id,
    );
    expect(byEndpoint.status).toBe(200);
    expect(byEndpoint.body.object).toBe("list");
    const [delivery] = byEndpoint.body.data;
    expect(delivery).toMatchObject({
      object: "webhook_delivery",
      livemode: false,
      event_id: eventId,
      event_type: "balance.funded",
      endpoint_id: endpoint.id,
      status: "succeeded",
      replay: false,
      attempt_count: 2,
    });
    expect(delivery.attempts).toHaveLength(2);
    expect(delivery.attempts[0]).toMatchObject({
      attempt_number: 1,
      url: receiver.url("/list"),
      response_status: 503,
      response_excerpt: "busy, try later",
      error: null,
    });
    expect(delivery.attempts[0].duration_ms).toBeGreaterThanOrEqual(0);
    expect(delivery.attempts[0].next_attempt_at).not.toBeNull();
    expect(delivery.attempts[1]).toMatchObject({
      attempt_number: 2,
      response_status: 200,
      response_excerpt: "thanks",
      next_attempt_at: null,
    });
    const text = JSON.stringify(byEndpoint.body);
    expect(text).not.toContain(endpoint.secret);
    expect(text).not.toContain("whsec_");
    expect(text).not.toContain("webhook-signature");

    const byEvent = await get(eventDeliveries, "/events/{id}/deliveries", acme.testKey, eventId);
    expect(byEvent.status).toBe(200);
    expect(byEvent.body.data).toEqual(byEndpoint.body.data);
  });

  it("page with a cursor and filter by status", async () => {
    const endpoint = await endpointAt(acme, "/paged", ["balance.funded"]);
    const ids = [];
    for (let n = 0; n < 3; n++) ids.push(await fundedEvent(acme));
    const path = `/webhook_endpoints/${endpoint.id}/deliveries`;
    const first = await call(endpointDeliveries, "GET", path, {
      key: acme.testKey,
      params: { id: endpoint.id },
      query: { limit: "2" },
    });
    expect(first.body.data.map((d: { event_id: string }) => d.event_id)).toEqual([ids[2], ids[1]]);
    expect(first.body.has_more).toBe(true);
    const rest = await call(endpointDeliveries, "GET", path, {
      key: acme.testKey,
      params: { id: endpoint.id },
      query: { limit: "2", starting_after: first.body.data[1].id },
    });
    expect(rest.body.data.map((d: { event_id: string }) => d.event_id)).toEqual([ids[0]]);
    expect(rest.body.has_more).toBe(false);

    const scheduled = await call(endpointDeliveries, "GET", path, {
      key: acme.testKey,
      params: { id: endpoint.id },
      query: { status: "scheduled" },
    });
    expect(scheduled.body.data).toHaveLength(3);
    await deliverDue();
    const stillScheduled = await call(endpointDeliveries, "GET", path, {
      key: acme.testKey,
      params: { id: endpoint.id },
      query: { status: "scheduled" },
    });
    expect(stillScheduled.body.data).toEqual([]);

    const wrongCursor = await call(endpointDeliveries, "GET", path, {
      key: acme.testKey,
      params: { id: endpoint.id },
      query: { starting_after: ids[0] as string },
    });
    expect(wrongCursor.status).toBe(422);
    expect(wrongCursor.body.errors[0].path).toBe("starting_after");
  });
});

describe("POST /v1/events/{id}/replay", () => {
  it("sends the event again as a fresh delivery with the event's own webhook-id, once per key", async () => {
    const endpoint = await endpointAt(acme, "/replay", ["balance.funded"]);
    const eventId = await fundedEvent(acme);
    await deliverDue();
    expect(receiver.on("/replay")).toHaveLength(1);

    const replayed = await call(replay, "POST", `/events/${eventId}/replay`, {
      key: acme.testKey,
      params: { id: eventId },
      idempotencyKey: "replay-once",
      body: { endpoint_id: endpoint.id },
    });
    expect(replayed.status).toBe(201);
    expect(replayed.body.data).toHaveLength(1);
    expect(replayed.body.data[0]).toMatchObject({
      event_id: eventId,
      endpoint_id: endpoint.id,
      status: "scheduled",
      replay: true,
      attempts: [],
    });
    const again = await call(replay, "POST", `/events/${eventId}/replay`, {
      key: acme.testKey,
      params: { id: eventId },
      idempotencyKey: "replay-once",
      body: { endpoint_id: endpoint.id },
    });
    expect(again.headers.get("idempotent-replayed")).toBe("true");
    expect(again.body).toEqual(replayed.body);
    expect(await deliveryRows(eventId, endpoint.id)).toHaveLength(2);

    await deliverDue();
    const received = receiver.on("/replay");
    expect(received).toHaveLength(2);
    expect(received.every((r) => r.verified)).toBe(true);
    expect(received[1]?.headers["webhook-id"]).toBe(eventId);
    expect(received[1]?.body).toBe(received[0]?.body);
  });

  it("without an endpoint, goes to every enabled endpoint that receives the type", async () => {
    const org = await createTestOrganisation(db, "Fan");
    const all = await endpointAt(org, "/fan-all");
    const funded = await endpointAt(org, "/fan-funded", ["balance.funded"]);
    await endpointAt(org, "/fan-paid", ["payout.paid"]);
    const eventId = await fundedEvent(org);
    const res = await call(replay, "POST", `/events/${eventId}/replay`, {
      key: org.testKey,
      params: { id: eventId },
    });
    expect(res.status).toBe(201);
    expect(res.body.data.map((d: { endpoint_id: string }) => d.endpoint_id).sort()).toEqual(
      [all.id, funded.id].sort(),
    );
  });

  it("refuses a disabled endpoint with 409, writing nothing", async () => {
    const endpoint = await endpointAt(acme, "/paused", ["balance.funded"]);
    const eventId = await fundedEvent(acme);
    await deliverDue();
    await call(updateEndpoint, "PATCH", `/webhook_endpoints/${endpoint.id}`, {
      key: acme.testKey,
      params: { id: endpoint.id },
      body: { disabled: true },
    });
    const res = await call(replay, "POST", `/events/${eventId}/replay`, {
      key: acme.testKey,
      params: { id: eventId },
      body: { endpoint_id: endpoint.id },
    });
    expect(res.status).toBe(409);
    expect(res.body.detail).toContain("disabled");
    expect(await deliveryRows(eventId, endpoint.id)).toHaveLength(1);
  });

  it("wakes the delivery loop right after the commit", async () => {
    const endpoint = await endpointAt(acme, "/wake", ["balance.funded"]);
    const eventId = await fundedEvent(acme);
    const before = (await sink.received("disburse/webhook.deliveries-due")).length;
    await call(replay, "POST", `/events/${eventId}/replay`, {
      key: acme.testKey,
      params: { id: eventId },
      body: { endpoint_id: endpoint.id },
    });
    await expect
      .poll(async () => {
        const rows = await sink.received("disburse/webhook.deliveries-due");
        return rows.slice(before).map((r) => r.event.data.reason);
      })
      .toContain("api replay");
  });
});

describe("POST /v1/webhook_endpoints/{id}/test", () => {
  it("sends a signed ping to that endpoint alone, through the normal delivery path", async () => {
    const org = await createTestOrganisation(db, "Ping");
    const target = await endpointAt(org, "/ping-target", ["payout.paid"]);
    await endpointAt(org, "/ping-bystander");
    const res = await call(sendTest, "POST", `/webhook_endpoints/${target.id}/test`, {
      key: org.testKey,
      params: { id: target.id },
      idempotencyKey: "ping-1",
    });
    expect(res.status).toBe(201);
    expect(res.body).toMatchObject({
      object: "webhook_delivery",
      event_type: "ping",
      endpoint_id: target.id,
      status: "scheduled",
    });
    const retried = await call(sendTest, "POST", `/webhook_endpoints/${target.id}/test`, {
      key: org.testKey,
      params: { id: target.id },
      idempotencyKey: "ping-1",
    });
    expect(retried.headers.get("idempotent-replayed")).toBe("true");
    expect(retried.body).toEqual(res.body);
    const pings = await db
      .select({ id: events.id })
      .from(events)
      .where(and(eq(events.organisationId, org.organisation.id), eq(events.type, "ping")));
    expect(pings).toHaveLength(1);
    // The relay sees the ping in the outbox like any event, and fans it out to no one.
    await relayPendingEvents(db, async () => {});
    expect(await deliveryRows(res.body.event_id)).toHaveLength(1);

    await deliverDue();
    const [ping] = receiver.on("/ping-target");
    expect(ping?.verified).toBe(true);
    expect(ping?.headers["webhook-id"]).toBe(res.body.event_id);
    expect(JSON.parse(ping?.body ?? "{}")).toMatchObject({
      id: res.body.event_id,
      object: "event",
      type: "ping",
      livemode: false,
      data: { endpoint_id: target.id },
    });
    expect(receiver.on("/ping-bystander")).toEqual([]);

    const listed = await get(
      endpointDeliveries,
      "/webhook_endpoints/{id}/deliveries",
      org.testKey,
      target.id,
    );
    expect(listed.body.data[0]).toMatchObject({ event_type: "ping", status: "succeeded" });

    // Replayed without naming an endpoint, a ping goes back only where it was sent.
    const again = await call(replay, "POST", `/events/${res.body.event_id}/replay`, {
      key: org.testKey,
      params: { id: res.body.event_id },
    });
    expect(again.body.data.map((d: { endpoint_id: string }) => d.endpoint_id)).toEqual([target.id]);
  });

  it("refuses a disabled endpoint, and no endpoint may subscribe to ping", async () => {
    const endpoint = await endpointAt(acme, "/ping-paused");
    await call(updateEndpoint, "PATCH", `/webhook_endpoints/${endpoint.id}`, {
      key: acme.testKey,
      params: { id: endpoint.id },
      body: { disabled: true },
    });
    const before = await db.select({ id: events.id }).from(events);
    const res = await call(sendTest, "POST", `/webhook_endpoints/${endpoint.id}/test`, {
      key: acme.testKey,
      params: { id: endpoint.id },
    });
    expect(res.status).toBe(409);
    expect(await db.select({ id: events.id }).from(events)).toHaveLength(before.length);

    const subscribed = await call(createEndpoint, "POST", "/webhook_endpoints", {
      key: acme.testKey,
      body: { url: receiver.url("/ping-sub"), event_types: ["ping"] },
    });
    expect(subscribed.status).toBe(422);
    expect(subscribed.body.errors[0].path).toBe("event_types.0");
  });
});

describe("another organisation's ids", () => {
  it("are 404 on every webhook delivery endpoint, and nothing is written", async () => {
    const theirs = await endpointAt(rival, "/rival");
    const theirEvent = await fundedEvent(rival);
    const ours = await endpointAt(acme, "/ours");
    const ourEvent = await fundedEvent(acme);
    const deliveriesBefore = await db.select({ id: webhookDeliveries.id }).from(webhookDeliveries);
    const eventsBefore = await db.select({ id: events.id }).from(events);

    const answers = [
      await get(endpointDeliveries, "/webhook_endpoints/{id}/deliveries", acme.testKey, theirs.id),
      await get(eventDeliveries, "/events/{id}/deliveries", acme.testKey, theirEvent),
      await call(replay, "POST", `/events/${theirEvent}/replay`, {
        key: acme.testKey,
        params: { id: theirEvent },
      }),
      await call(replay, "POST", `/events/${ourEvent}/replay`, {
        key: acme.testKey,
        params: { id: ourEvent },
        body: { endpoint_id: theirs.id },
      }),
      await call(sendTest, "POST", `/webhook_endpoints/${theirs.id}/test`, {
        key: acme.testKey,
        params: { id: theirs.id },
      }),
      // The same ids under the live key of their own organisation: another mode.
      await get(endpointDeliveries, "/webhook_endpoints/{id}/deliveries", rival.liveKey, theirs.id),
    ];
    for (const answer of answers) {
      expect(answer.status).toBe(404);
      expect(answer.body.code).toBe("not_found");
    }
    expect(await db.select({ id: webhookDeliveries.id }).from(webhookDeliveries)).toHaveLength(
      deliveriesBefore.length,
    );
    expect(await db.select({ id: events.id }).from(events)).toHaveLength(eventsBefore.length);
    const ourDeliveries = await db
      .select()
      .from(webhookDeliveries)
      .where(
        and(eq(webhookDeliveries.eventId, ourEvent), eq(webhookDeliveries.endpointId, ours.id)),
      );
    expect(ourDeliveries).toHaveLength(1);
  });
});
