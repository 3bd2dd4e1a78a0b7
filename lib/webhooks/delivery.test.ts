import net from "node:net";
import { eq, sql } from "drizzle-orm";
import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from "vitest";
import { db, type Tx } from "@/db/client";
import {
  emails,
  memberships,
  users,
  webhookAttempts,
  webhookDeliveries,
  webhookEndpoints,
} from "@/db/schema";
import type { Scope } from "@/db/scope";
import { recordEvent } from "@/lib/events/outbox";
import { newId } from "@/lib/ids";
import { openEmail } from "@/lib/mail";
import { startWebhookReceiver, type WebhookReceiver } from "@/tests/fixtures/webhook-receiver";
import { insertDueDeliveries } from "@/tests/functions/webhook-fixtures";
import { insertOrganisation } from "@/tests/payouts/fixtures";
import {
  type AttemptOutcome,
  attemptDelivery,
  claimAndTakeAttempts,
  claimDueDeliveries,
  ENDPOINT_CONCURRENCY,
  enqueueWebhookDeliveries,
  recordAttempts,
  releaseAttempts,
  sendAttempt,
  signersOf,
  takeAttempts,
} from "./delivery";
import { listAttempts, listDeliveries } from "./delivery-queries";
import { notifyEndpointDisabled } from "./endpoint-disabled-notice";
import { createWebhookEndpoint, updateWebhookEndpoint, webhookSigningSecret } from "./endpoints";
import { replayEvent } from "./replay";
import { MAX_ATTEMPTS } from "./schedule";

process.env.AUTH_SECRET ??= "delivery-test-secret-delivery-test-secret-0123";
// Mail stays readable (sealed) only for the dev mailbox.
process.env.DEV_MAILBOX ??= "1";

const HOUR = 3_600_000;

let receiver: WebhookReceiver;
beforeAll(async () => {
  receiver = await startWebhookReceiver();
});
afterAll(async () => {
  await receiver.close();
});
afterEach(async () => {
  vi.useRealTimers();
  // Sweeps take whatever is due across tenants: leave nothing for the next test.
  await db
    .update(webhookDeliveries)
    .set({ status: "canceled", nextAttemptAt: null })
    .where(eq(webhookDeliveries.status, "scheduled"));
});

/**
 * The controllable clock: lib functions get `now` explicitly, and Date is faked to the
 * same instant so the receiver's `standardwebhooks` timestamp check agrees with it.
 */
function clockAt(start: Date) {
  let now = start.getTime();
  vi.useFakeTimers({ toFake: ["Date"] });
  vi.setSystemTime(now);
  return {
    now: () => new Date(now),
    set(to: Date) {
      now = to.getTime();
      vi.setSystemTime(now);
    },
  };
}

/** One pass of the delivery sweep at the clock's time. */
async function sweep(now: Date): Promise<AttemptOutcome[]> {
  const due = await claimDueDeliveries(db, { now, limit: 100 });
  return Promise.all(due.map((d) => attemptDelivery(db, d, { now })));
}

/** A port nothing listens on: bound once, then released. */
async function closedPort(): Promise<number> {
  const server = net.createServer();
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as net.AddressInfo;
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return port;
}

let path = 0;
async function endpointFor(scope: Scope, options: { eventTypes?: string[] } = {}) {
  const p = `/hook-${++path}`;
  const { endpoint, secret } = await createWebhookEndpoint(db, scope, {
    url: receiver.url(p),
    event_types: options.eventTypes as never,
  });
  receiver.register(p, secret);
  return { endpoint, path: p };
}

async function eventFor(scope: Scope, n = 1) {
  const id = await recordEvent(db, scope, "balance.funded", {
    currency: "USD",
    amount: 1_000n * BigInt(n),
    available: 5_000n,
    transaction_id: `ltx_${n}`,
  });
  await enqueueWebhookDeliveries(db, [{ id, ...scope, type: "balance.funded" }]);
  return id;
}

async function deliveryOf(eventId: string) {
  const [row] = await db
    .select()
    .from(webhookDeliveries)
    .where(eq(webhookDeliveries.eventId, eventId));
  if (!row) throw new Error("no delivery");
  return row;
}

describe("webhook delivery", () => {
  it("delivers a signed event that a Standard Webhooks receiver verifies, and logs the attempt", async () => {
    const { scope } = await insertOrganisation(db);
    const { path: p } = await endpointFor(scope);
    receiver.answer(p, () => ({ status: 204, body: "" }));
    const eventId = await eventFor(scope);

    const [outcome] = await sweep(new Date());
    expect(outcome?.status).toBe("succeeded");
    const [got] = receiver.on(p);
    expect(got?.verified).toBe(true);
    expect(got?.headers["webhook-id"]).toBe(eventId);
    expect(JSON.parse(got?.body ?? "")).toMatchObject({
      id: eventId,
      type: "balance.funded",
      data: { currency: "USD", amount: 1_000, available: 5_000 },
    });
    expect(JSON.parse(got?.body ?? "").created_at).toMatch(/^\d{4}-\d\d-\d\dT/);

    const delivery = await deliveryOf(eventId);
    expect(delivery).toMatchObject({ status: "succeeded", attemptCount: 1, nextAttemptAt: null });
    const [attempt] = await listAttempts(db, scope, delivery.id);
    expect(attempt).toMatchObject({ attemptNumber: 1, responseStatus: 204, error: null });
    expect(attempt?.url).toBe(receiver.url(p));
    expect(delivery.deliveredAt?.getTime()).toBe(attempt?.startedAt.getTime());
    expect(attempt?.requestHeaders["webhook-signature"]).toBe(got?.headers["webhook-signature"]);
    expect(attempt?.requestBody).toBe(got?.body);
    expect(attempt?.durationMs).toBeGreaterThanOrEqual(0);
  });

  it("does not send again when the same attempt runs twice (a retried step)", async () => {
    const { scope } = await insertOrganisation(db);
    const { path: p } = await endpointFor(scope);
    const eventId = await eventFor(scope);
    const [due] = await claimDueDeliveries(db, { limit: 100 });
    const first = await attemptDelivery(db, due as never);
    const again = await attemptDelivery(db, due as never);
    expect(first.status).toBe("succeeded");
    expect(again.status).toBe("skipped");
    expect(receiver.on(p)).toHaveLength(1);
    expect((await deliveryOf(eventId)).attemptCount).toBe(1);
  });

  it("sends an attempt once when two executions of it race", async () => {
    const { scope } = await insertOrganisation(db);
    const { path: p } = await endpointFor(scope);
    receiver.answer(p, () => ({ status: 200, hangMs: 100 }));
    await eventFor(scope);
    const [due] = await claimDueDeliveries(db, { limit: 100 });
    const outcomes = await Promise.all([
      attemptDelivery(db, due as never),
      attemptDelivery(db, due as never),
    ]);
    expect(outcomes.map((o) => o.status).sort()).toEqual(["skipped", "succeeded"]);
    expect(receiver.on(p)).toHaveLength(1);
  });

  it("makes the attempt again once the hold of a sender that died has lapsed", async () => {
    const { scope } = await insertOrganisation(db);
    const { path: p } = await endpointFor(scope);
    const clock = clockAt(new Date("2026-02-01T00:00:00Z"));
    const eventId = await eventFor(scope);
    // A sender took attempt 1 and died before logging it.
    await db
      .update(webhookDeliveries)
      .set({ sendingAttempt: 1, lockedUntil: new Date(clock.now().getTime() + 45_000) })
      .where(eq(webhookDeliveries.eventId, eventId));
    expect(await sweep(clock.now())).toEqual([]);
    clock.set(new Date(clock.now().getTime() + 60_000));
    const [outcome] = await sweep(clock.now());
    expect(outcome).toMatchObject({ attemptNumber: 1, status: "succeeded" });
    expect(receiver.on(p)).toHaveLength(1);
  });

  it("retries failures on the schedule with the same webhook-id until the endpoint answers", async () => {
    const { scope } = await insertOrganisation(db);
    const { path: p } = await endpointFor(scope);
    receiver.answer(p, (n) => (n <= 3 ? { status: 500, body: "boom" } : { status: 200 }));
    const clock = clockAt(new Date("2026-03-01T12:00:00Z"));
    const eventId = await eventFor(scope);

    for (let n = 1; n <= 4; n++) {
      const [outcome] = await sweep(clock.now());
      expect(outcome?.attemptNumber).toBe(n);
      if (n < 4) {
        expect(outcome?.status).toBe("scheduled");
        const next = new Date(outcome?.nextAttemptAt as string);
        // Nothing is due a second before the scheduled time.
        expect(await claimDueDeliveries(db, { now: new Date(next.getTime() - 1_000) })).toEqual([]);
        clock.set(next);
      } else {
        expect(outcome?.status).toBe("succeeded");
      }
    }
    const got = receiver.on(p);
    expect(got).toHaveLength(4);
    expect(got.every((r) => r.verified && r.headers["webhook-id"] === eventId)).toBe(true);
    expect(new Set(got.map((r) => r.headers["webhook-timestamp"])).size).toBe(4);
    const attempts = await listAttempts(db, scope, (await deliveryOf(eventId)).id);
    expect(attempts.map((a) => a.responseStatus)).toEqual([500, 500, 500, 200]);
    expect(attempts[0]?.responseBody).toBe("boom");
    expect(attempts[0]?.nextAttemptAt).toEqual(attempts[1]?.startedAt);
  });

  it("makes every attempt of the schedule over more than 72 hours, then gives up", async () => {
    const { scope } = await insertOrganisation(db);
    const { path: p } = await endpointFor(scope);
    receiver.answer(p, () => ({ status: 502 }));
    const start = new Date("2026-04-01T00:00:00Z");
    const clock = clockAt(start);
    const eventId = await eventFor(scope);
    const delivery = await deliveryOf(eventId);

    let last: AttemptOutcome | undefined;
    for (let guard = 0; guard < 50; guard++) {
      [last] = await sweep(clock.now());
      if (!last?.nextAttemptAt) break;
      clock.set(new Date(last.nextAttemptAt));
    }
    expect(last?.status).toBe("failed");
    const attempts = await listAttempts(db, scope, delivery.id);
    expect(attempts).toHaveLength(MAX_ATTEMPTS);
    expect(attempts.length).toBeGreaterThanOrEqual(10);
    const final = attempts.at(-1) as (typeof attempts)[number];
    const span = final.startedAt.getTime() - start.getTime();
    expect(span).toBeGreaterThanOrEqual(72 * HOUR);
    expect(receiver.on(p).every((r) => r.verified)).toBe(true);
    expect(await deliveryOf(eventId)).toMatchObject({
      status: "failed",
      attemptCount: MAX_ATTEMPTS,
      lastResponseStatus: 502,
    });
    // 3.5 days of failures is not yet five: the endpoint stays enabled.
    const [endpoint] = await db
      .select()
      .from(webhookEndpoints)
      .where(eq(webhookEndpoints.organisationId, scope.organisationId));
    expect(endpoint?.disabledAt).toBeNull();
  });

  it("waits as long as Retry-After asks", async () => {
    const { scope } = await insertOrganisation(db);
    const { path: p } = await endpointFor(scope);
    receiver.answer(p, () => ({ status: 429, headers: { "retry-after": "3600" } }));
    const clock = clockAt(new Date("2026-05-01T00:00:00Z"));
    await eventFor(scope);
    const [outcome] = await sweep(clock.now());
    expect(new Date(outcome?.nextAttemptAt as string).getTime() - clock.now().getTime()).toBe(HOUR);
  });

  it("logs a network failure and retries it", async () => {
    const { scope } = await insertOrganisation(db);
    const { endpoint } = await createWebhookEndpoint(db, scope, {
      url: `http://127.0.0.1:${await closedPort()}/closed`,
    });
    const eventId = await eventFor(scope);
    const [outcome] = await sweep(new Date());
    expect(outcome?.status).toBe("scheduled");
    const [attempt] = await listAttempts(db, scope, (await deliveryOf(eventId)).id);
    expect(attempt?.responseStatus).toBeNull();
    expect(attempt?.responseBody).toBeNull();
    expect(attempt?.error).toMatch(/ECONNREFUSED/);
    expect(attempt?.endpointId).toBe(endpoint.id);
    const delivery = await deliveryOf(eventId);
    expect(delivery.lastError).toMatch(/ECONNREFUSED/);
    expect(delivery.deliveredAt).toBeNull();
  });

  it("logs the URL each attempt went to when an endpoint's URL changes between them", async () => {
    const { scope } = await insertOrganisation(db);
    const { endpoint, path: before } = await endpointFor(scope);
    const first = await eventFor(scope, 1);
    const [old] = (await takeAttempts(db, await claimDueDeliveries(db, { limit: 100 }))).taken;
    const after = `${before}-moved`;
    receiver.register(after, webhookSigningSecret(endpoint));
    await updateWebhookEndpoint(db, scope, endpoint.id, { url: receiver.url(after) });
    const second = await eventFor(scope, 2);
    const [moved] = (await takeAttempts(db, await claimDueDeliveries(db, { limit: 100 }))).taken;
    if (!old || !moved) throw new Error("nothing taken");
    // One group, as the loop logs it: the first attempt went to the old URL.
    const signerOf = signersOf();
    const sent = await Promise.all([old, moved].map((t) => sendAttempt(t, signerOf(t))));
    expect(sent.map((s) => s.result.status)).toEqual([200, 200]);
    await recordAttempts(db, sent);
    const [wentBefore] = await listAttempts(db, scope, (await deliveryOf(first)).id);
    const [wentAfter] = await listAttempts(db, scope, (await deliveryOf(second)).id);
    expect(wentBefore?.url).toBe(receiver.url(before));
    expect(wentAfter?.url).toBe(receiver.url(after));
    expect(receiver.on(before)).toHaveLength(1);
    expect(receiver.on(after)).toHaveLength(1);
  });

  it("gives up on a receiver that does not answer in time", async () => {
    const { scope } = await insertOrganisation(db);
    const { path: p } = await endpointFor(scope);
    receiver.answer(p, () => ({ status: 200, hangMs: 2_000 }));
    const eventId = await eventFor(scope);
    const [due] = await claimDueDeliveries(db, { limit: 100 });
    const outcome = await attemptDelivery(db, due as never, { timeoutMs: 200 });
    expect(outcome.status).toBe("scheduled");
    const [attempt] = await listAttempts(db, scope, (await deliveryOf(eventId)).id);
    expect(attempt?.error).toBe("timed out");
  });
});

async function addAdmin(organisationId: string, email: string) {
  const userId = newId("user");
  await db.insert(users).values({ id: userId, email });
  await db.insert(memberships).values({ organisationId, userId, role: "owner" });
}

describe("disabling failing endpoints", () => {
  it("disables an endpoint that answers 410 Gone and cancels what was scheduled for it", async () => {
    const { scope, organisationId } = await insertOrganisation(db);
    await addAdmin(organisationId, "owner-410@example.com");
    const { endpoint, path: p } = await endpointFor(scope);
    receiver.answer(p, () => ({ status: 410 }));
    const first = await eventFor(scope, 1);
    const second = await eventFor(scope, 2);
    await db
      .update(webhookDeliveries)
      .set({ nextAttemptAt: new Date(Date.now() + HOUR) })
      .where(eq(webhookDeliveries.eventId, second));

    const [outcome] = await sweep(new Date());
    expect(outcome?.status).toBe("failed");
    expect(outcome?.disabledEndpoint?.reason).toBe("endpoint_gone");
    expect(await deliveryOf(first)).toMatchObject({ status: "failed", nextAttemptAt: null });
    expect(await deliveryOf(second)).toMatchObject({ status: "canceled", attemptCount: 0 });
    const [row] = await db
      .select()
      .from(webhookEndpoints)
      .where(eq(webhookEndpoints.id, endpoint.id));
    expect(row?.disabledReason).toBe("endpoint_gone");
    expect(receiver.on(p)).toHaveLength(1);

    await notifyEndpointDisabled(db, outcome?.disabledEndpoint as never);
    await notifyEndpointDisabled(db, outcome?.disabledEndpoint as never);
    const notices = await db.select().from(emails).where(eq(emails.subjectRef, endpoint.id));
    expect(notices).toHaveLength(1);
    expect(notices[0]).toMatchObject({ to: "owner-410@example.com", kind: "endpoint_disabled" });
    expect(openEmail(notices[0])?.text).toContain(receiver.url(p));
  });

  it("cancels, without sending, a delivery whose endpoint was disabled meanwhile", async () => {
    const { scope } = await insertOrganisation(db);
    const { endpoint, path: p } = await endpointFor(scope);
    const eventId = await eventFor(scope);
    await db
      .update(webhookEndpoints)
      .set({ disabledAt: new Date(), disabledReason: "disabled_by_user" })
      .where(eq(webhookEndpoints.id, endpoint.id));
    const [outcome] = await sweep(new Date());
    expect(outcome?.status).toBe("canceled");
    expect(await deliveryOf(eventId)).toMatchObject({ status: "canceled", attemptCount: 0 });
    expect(receiver.on(p)).toEqual([]);
  });

  it("disables an endpoint after five days of failures, once, and tells the organisation", async () => {
    const { scope, organisationId } = await insertOrganisation(db);
    await addAdmin(organisationId, "owner-5d@example.com");
    const { endpoint, path: p } = await endpointFor(scope);
    receiver.answer(p, () => ({ status: 500 }));
    const start = new Date("2026-06-01T00:00:00Z");
    const clock = clockAt(start);
    await eventFor(scope, 1);

    const disabled: NonNullable<AttemptOutcome["disabledEndpoint"]>[] = [];
    // A new event every 12 hours keeps deliveries failing until the endpoint is disabled.
    for (let hour = 0; hour <= 6 * 24; hour++) {
      clock.set(new Date(start.getTime() + hour * HOUR));
      if (hour > 0 && hour % 12 === 0) await eventFor(scope, hour);
      for (const outcome of await sweep(clock.now())) {
        if (outcome.disabledEndpoint) disabled.push(outcome.disabledEndpoint);
      }
    }
    expect(disabled).toHaveLength(1);
    const [row] = await db
      .select()
      .from(webhookEndpoints)
      .where(eq(webhookEndpoints.id, endpoint.id));
    expect(row?.disabledReason).toBe("failing_for_5_days");
    const attempts = await db
      .select()
      .from(webhookAttempts)
      .where(eq(webhookAttempts.endpointId, endpoint.id));
    const lastAttempt = Math.max(...attempts.map((a) => a.startedAt.getTime()));
    expect(lastAttempt - start.getTime()).toBeGreaterThanOrEqual(5 * 24 * HOUR);
    expect(lastAttempt - start.getTime()).toBeLessThan(5 * 24 * HOUR + 13 * HOUR);
    const open = await listDeliveries(db, scope, { status: "scheduled", limit: 100 });
    expect(open.data).toEqual([]);

    vi.useRealTimers();
    await notifyEndpointDisabled(db, disabled[0] as never);
    const [notice] = await db.select().from(emails).where(eq(emails.subjectRef, endpoint.id));
    expect(notice?.to).toBe("owner-5d@example.com");
    expect(openEmail(notice)?.text).toContain("2026-06-01T00:00:00.000Z");
    expect(notice?.subject).toContain("Webhook endpoint disabled");
    expect(openEmail(notice)?.html).toContain(receiver.url(p));
  });

  it("starts counting again after a success", async () => {
    const { scope } = await insertOrganisation(db);
    const { endpoint, path: p } = await endpointFor(scope);
    let healthy = false;
    receiver.answer(p, () => ({ status: healthy ? 200 : 500 }));
    const start = new Date("2026-07-01T00:00:00Z");
    const clock = clockAt(start);
    for (let day = 0; day <= 8; day++) {
      clock.set(new Date(start.getTime() + day * 24 * HOUR));
      healthy = day === 4;
      await eventFor(scope, day + 1);
      await sweep(clock.now());
    }
    const [row] = await db
      .select()
      .from(webhookEndpoints)
      .where(eq(webhookEndpoints.id, endpoint.id));
    expect(row?.disabledAt).toBeNull();
  });
});

describe("replay", () => {
  it("sends any event again as a fresh delivery with the same id and payload", async () => {
    const { scope } = await insertOrganisation(db);
    const { endpoint, path: p } = await endpointFor(scope);
    const eventId = await eventFor(scope);
    await sweep(new Date());

    const [replayed] = await replayEvent(db, scope, { eventId, actor: "user:usr_1" });
    expect(replayed).toMatchObject({
      endpointId: endpoint.id,
      status: "scheduled",
      replayedBy: "user:usr_1",
    });
    const outcomes = await sweep(new Date());
    expect(outcomes.map((o) => o.deliveryId)).toEqual([replayed?.id]);
    const [original, again] = receiver.on(p);
    expect(again?.verified).toBe(true);
    expect(again?.headers["webhook-id"]).toBe(original?.headers["webhook-id"]);
    expect(again?.body).toBe(original?.body);
    const deliveries = await listDeliveries(db, scope, { eventId, limit: 10 });
    expect(deliveries.data).toHaveLength(2);
  });

  it("refuses another tenant's event, and a disabled endpoint", async () => {
    const { scope } = await insertOrganisation(db);
    const { scope: other } = await insertOrganisation(db);
    const { endpoint } = await endpointFor(scope);
    const eventId = await eventFor(scope);
    await expect(replayEvent(db, other, { eventId, actor: "user:x" })).rejects.toMatchObject({
      code: "not_found",
    });
    await db
      .update(webhookEndpoints)
      .set({ disabledAt: new Date() })
      .where(eq(webhookEndpoints.id, endpoint.id));
    await expect(
      replayEvent(db, scope, { eventId, endpointId: endpoint.id, actor: "user:x" }),
    ).rejects.toMatchObject({ code: "conflict" });
  });
});

describe("fair delivery across endpoints", () => {
  it("takes another tenant's fresh delivery before a backlog's next, and caps each endpoint", async () => {
    const a = await insertOrganisation(db);
    const b = await insertOrganisation(db);
    const { endpoint: busy } = await endpointFor(a.scope);
    const { endpoint: fresh } = await endpointFor(b.scope);
    // Older than anything else: oldest-first across tenants would take these first.
    await insertDueDeliveries(db, a.scope, busy.id, 2_000, new Date(Date.now() - HOUR));
    await eventFor(b.scope);

    const first = await claimDueDeliveries(db, { limit: ENDPOINT_CONCURRENCY + 50 });
    expect(first.filter((d) => d.endpointId === fresh.id)).toHaveLength(1);
    expect(first.filter((d) => d.endpointId === busy.id)).toHaveLength(ENDPOINT_CONCURRENCY);
    // The backlog's endpoint holds its cap: no claim takes more until those finish.
    expect(await claimDueDeliveries(db, { limit: ENDPOINT_CONCURRENCY + 50 })).toEqual([]);
  });

  it("takes attempts in place: a take adds no index entries (a HOT update)", async () => {
    const { scope } = await insertOrganisation(db);
    const { endpoint } = await endpointFor(scope);
    await insertDueDeliveries(db, scope, endpoint.id, 40);
    // The backend's update counts not yet reported (earlier transactions' too), read on
    // either side of the take inside one transaction, where none are reported meanwhile.
    const updates = async (tx: Tx) => {
      const [row] = await tx.execute<{ updated: number; inPlace: number }>(sql`
        select n_tup_upd::int as "updated", n_tup_hot_upd::int as "inPlace"
        from pg_stat_xact_user_tables where relname = 'webhook_deliveries'`);
      return row ?? { updated: 0, inPlace: 0 };
    };
    const counted = await db.transaction(async (tx) => {
      const before = await updates(tx);
      const { taken } = await claimAndTakeAttempts(tx, { limit: 40 });
      const after = await updates(tx);
      return {
        taken: taken.length,
        updated: after.updated - before.updated,
        inPlace: after.inPlace - before.inPlace,
      };
    });
    expect(counted).toMatchObject({ taken: 40, updated: 40 });
    // A page the inserts left half full has room for nearly all of its rows' new versions;
    // the last one or two of a page may move. With the hold indexed, none could stay.
    expect(counted.inPlace).toBeGreaterThanOrEqual(36);
  });

  it("does not take a retry that a late sender scheduled while the claim waited for its row", async () => {
    const { scope } = await insertOrganisation(db);
    const { endpoint } = await endpointFor(scope);
    const now = new Date();
    const then = new Date(now.getTime() - 2 * 60_000);
    await insertDueDeliveries(db, scope, endpoint.id, 1, then);
    // Taken two minutes ago by a sender whose hold has lapsed since.
    const [held] = (await claimAndTakeAttempts(db, { limit: 1, now: then })).taken;
    if (!held) throw new Error("nothing taken");
    let locked!: () => void;
    const rowLocked = new Promise<void>((resolve) => (locked = resolve));
    let release!: () => void;
    const released = new Promise<void>((resolve) => (release = resolve));
    // The late sender logs its attempt at last: a failure, retried in an hour.
    const logging = db.transaction(async (tx) => {
      await tx
        .update(webhookDeliveries)
        .set({
          attemptCount: 1,
          nextAttemptAt: new Date(now.getTime() + HOUR),
          lockedUntil: null,
          sendingAttempt: null,
        })
        .where(eq(webhookDeliveries.id, held.due.id));
      locked();
      await released;
    });
    await rowLocked;
    // The claim picks the lapsed delivery and waits for its row; then sees the retry.
    const claim = claimAndTakeAttempts(db, { limit: 10, now });
    await new Promise((resolve) => setTimeout(resolve, 300));
    release();
    await logging;
    expect((await claim).taken).toEqual([]);
  });

  it("gives back an attempt it never sent: nothing logged, and the next claim takes it again", async () => {
    const { scope } = await insertOrganisation(db);
    const { endpoint } = await endpointFor(scope);
    await insertDueDeliveries(db, scope, endpoint.id, 3);
    const { taken } = await claimAndTakeAttempts(db, { limit: 10 });
    expect(taken).toHaveLength(3);
    // Held: no one else may take them while this sender might still send.
    expect((await claimAndTakeAttempts(db, { limit: 10 })).taken).toEqual([]);
    await releaseAttempts(db, taken.slice(0, 2));
    const again = await claimAndTakeAttempts(db, { limit: 10 });
    expect(again.taken.map((t) => [t.due.id, t.due.attemptNumber]).sort()).toEqual(
      taken
        .slice(0, 2)
        .map((t) => [t.due.id, 1])
        .sort(),
    );
    const logged = await db
      .select()
      .from(webhookAttempts)
      .where(eq(webhookAttempts.endpointId, endpoint.id));
    expect(logged).toEqual([]);
  });

  it("cancels a paused endpoint's whole backlog at once, and sends none of it", async () => {
    const { scope } = await insertOrganisation(db);
    const { endpoint, path: p } = await endpointFor(scope);
    await insertDueDeliveries(db, scope, endpoint.id, 5_000);
    await updateWebhookEndpoint(db, scope, endpoint.id, { disabled: true });
    const open = await db
      .select({ id: webhookDeliveries.id })
      .from(webhookDeliveries)
      .where(eq(webhookDeliveries.status, "scheduled"));
    expect(open).toEqual([]);
    expect(await sweep(new Date())).toEqual([]);
    expect(receiver.on(p)).toEqual([]);
  });
});
