import http from "node:http";
import type { AddressInfo } from "node:net";
import { and, count, eq } from "drizzle-orm";
import { serve } from "inngest/node";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { db } from "@/db/client";
import { connectPostgres } from "@/db/connect";
import { webhookAttempts, webhookDeliveries } from "@/db/schema";
import type { Scope } from "@/db/scope";
import { inngest, webhookDeliveriesDue } from "@/inngest/client";
import { type LocalEngine, startLocalEngine } from "@/inngest/engine";
import { deliverWebhooks } from "@/inngest/functions/deliver-webhooks";
import { relayEvents } from "@/inngest/relay";
import { recordEvents } from "@/lib/events/outbox";
import { ENDPOINT_CONCURRENCY } from "@/lib/webhooks/delivery";
import { createWebhookEndpoint, updateWebhookEndpoint } from "@/lib/webhooks/endpoints";
import { TEST_EVENT_KEY, until } from "@/tests/fixtures/inngest-app";
import { startWebhookReceiver, type WebhookReceiver } from "@/tests/fixtures/webhook-receiver";
import { insertOrganisation } from "@/tests/payouts/fixtures";
import { insertDueDeliveries } from "./webhook-fixtures";

process.env.AUTH_SECRET ??= "delivery-loop-secret-delivery-loop-secret-0123";

let server: http.Server;
let engine: LocalEngine;
let receiver: WebhookReceiver;

/**
 * The real delivery function behind the SDK's serve handler, with the local engine
 * playing Inngest as under `npm start` (its default poll interval, its minute cron).
 */
beforeAll(async () => {
  server = http.createServer();
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const appUrl = `http://127.0.0.1:${(server.address() as AddressInfo).port}/api/inngest`;
  engine = await startLocalEngine({
    databaseUrl: process.env.DATABASE_URL as string,
    appUrl,
    eventKey: TEST_EVENT_KEY,
    port: 0,
    log: () => {},
  });
  inngest.setEnvVars({
    INNGEST_BASE_URL: engine.url,
    INNGEST_DEV: "1",
    INNGEST_EVENT_KEY: TEST_EVENT_KEY,
  });
  server.on("request", serve({ client: inngest, functions: [deliverWebhooks] }));
  await engine.sync();
  receiver = await startWebhookReceiver();
});

afterAll(async () => {
  // Leave nothing due, and let the last runs finish before the database goes away.
  await db
    .update(webhookDeliveries)
    .set({ status: "canceled", nextAttemptAt: null })
    .where(eq(webhookDeliveries.status, "scheduled"));
  await Promise.race([engine.idle(), new Promise((resolve) => setTimeout(resolve, 10_000))]);
  await engine.stop();
  server.closeAllConnections();
  await new Promise<void>((resolve) => server.close(() => resolve()));
  await receiver.close();
  const sql = connectPostgres(process.env.DATABASE_URL as string, { max: 1 });
  await sql`drop schema if exists inngest_engine cascade`;
  await sql.end();
});

async function endpointOn(scope: Scope, path: string) {
  const { endpoint, secret } = await createWebhookEndpoint(db, scope, { url: receiver.url(path) });
  receiver.register(path, secret);
  return endpoint;
}

async function attemptsTo(endpointId: string) {
  const [row] = await db
    .select({ n: count() })
    .from(webhookAttempts)
    .where(eq(webhookAttempts.endpointId, endpointId));
  return row?.n ?? 0;
}

describe("the webhook delivery loop on the local engine", { timeout: 90_000 }, () => {
  it("drains a backlog of 1,000 due deliveries at full speed, not at the minute sweep's pace", async () => {
    const { scope } = await insertOrganisation(db);
    const endpoint = await endpointOn(scope, "/backlog");
    await insertDueDeliveries(db, scope, endpoint.id, 1_000);

    await inngest.send(webhookDeliveriesDue.create({ reason: "test backlog" }));
    await until(async () => (await attemptsTo(endpoint.id)) >= 1_000, "1,000 attempts", 30_000);

    const got = receiver.on("/backlog");
    expect(new Set(got.map((r) => r.headers["webhook-id"])).size).toBe(1_000);
    expect(got.every((r) => r.verified)).toBe(true);
    const [left] = await db
      .select({ n: count() })
      .from(webhookDeliveries)
      .where(
        and(
          eq(webhookDeliveries.endpointId, endpoint.id),
          eq(webhookDeliveries.status, "scheduled"),
        ),
      );
    expect(left?.n).toBe(0);
  });

  it("attempts another organisation's first delivery within 5 s while one has 30,000 due", async () => {
    const a = await insertOrganisation(db);
    const b = await insertOrganisation(db);
    const busy = await endpointOn(a.scope, "/tenant-a");
    // A slow receiver: the backlog would take minutes even at full concurrency.
    receiver.answer("/tenant-a", () => ({ status: 200, hangMs: 300 }));
    await endpointOn(b.scope, "/tenant-b");
    await insertDueDeliveries(db, a.scope, busy.id, 30_000);
    await inngest.send(webhookDeliveriesDue.create({ reason: "test backlog" }));
    await until(async () => (await attemptsTo(busy.id)) > 0, "tenant A's first attempts", 10_000);

    const [eventId] = await recordEvents(db, b.scope, [
      {
        type: "balance.funded",
        data: { currency: "EUR", amount: 100n, available: 100n, transaction_id: "ltx_b" },
      },
    ]);
    const started = Date.now();
    await relayEvents();
    await until(
      () => receiver.on("/tenant-b").some((r) => r.headers["webhook-id"] === eventId),
      "tenant B's delivery",
      5_000,
    );
    expect(Date.now() - started).toBeLessThan(5_000);
    expect(await attemptsTo(busy.id)).toBeLessThan(30_000);

    // Paused by a member: the rest of the backlog is canceled at once, not one per sweep.
    await updateWebhookEndpoint(db, a.scope, busy.id, { disabled: true });
    const [left] = await db
      .select({ n: count() })
      .from(webhookDeliveries)
      .where(
        and(eq(webhookDeliveries.endpointId, busy.id), eq(webhookDeliveries.status, "scheduled")),
      );
    // Only what senders held at that moment (at most the endpoint's share), whose own
    // logging then cancels them.
    expect(left?.n).toBeLessThanOrEqual(ENDPOINT_CONCURRENCY);
    await until(
      async () => {
        const [still] = await db
          .select({ n: count() })
          .from(webhookDeliveries)
          .where(
            and(
              eq(webhookDeliveries.endpointId, busy.id),
              eq(webhookDeliveries.status, "scheduled"),
            ),
          );
        return still?.n === 0;
      },
      "the held deliveries to be canceled",
      30_000,
    );
  });

  it("makes a retry when it falls due (±10 % of its wait), not at the next minute sweep", async () => {
    const { scope } = await insertOrganisation(db);
    const endpoint = await endpointOn(scope, "/flaky");
    receiver.answer("/flaky", (n) => (n === 1 ? { status: 500, body: "down" } : { status: 200 }));
    await recordEvents(db, scope, [
      {
        type: "balance.funded",
        data: { currency: "EUR", amount: 5n, available: 5n, transaction_id: "ltx_flaky" },
      },
    ]);
    await relayEvents();

    await until(async () => (await attemptsTo(endpoint.id)) >= 2, "the second attempt", 20_000);
    const [first, second] = await db
      .select()
      .from(webhookAttempts)
      .where(eq(webhookAttempts.endpointId, endpoint.id))
      .orderBy(webhookAttempts.attemptNumber);
    expect(first?.responseStatus).toBe(500);
    expect(second?.responseStatus).toBe(200);
    const due = Number(first?.nextAttemptAt);
    const wait = due - Number(first?.startedAt);
    const started = Number(second?.startedAt);
    // Never early (the schedule and any Retry-After are minimums), and late by at most 10 %.
    expect(started).toBeGreaterThanOrEqual(due);
    expect(started - due).toBeLessThanOrEqual(wait * 0.1);
  });
});
