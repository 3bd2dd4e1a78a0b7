import { InngestTestEngine } from "@inngest/test";
import { eq, inArray } from "drizzle-orm";
import { afterAll, describe, expect, it } from "vitest";
import { db } from "@/db/client";
import { webhookAttempts, webhookDeliveries } from "@/db/schema";
import type { Scope } from "@/db/scope";
import { purgeWebhookLogsSweep } from "@/inngest/functions/purge-webhook-logs";
import { parseConfig } from "@/lib/config";
import { recordEvent } from "@/lib/events/outbox";
import { newId } from "@/lib/ids";
import { createWebhookEndpoint } from "@/lib/webhooks/endpoints";
import { purgeWebhookLogs } from "@/lib/webhooks/retention";
import { insertOrganisation } from "@/tests/payouts/fixtures";

process.env.AUTH_SECRET ??= "purge-webhook-logs-secret-purge-webhook-logs-01";
// The tests of this file share its database, so each purges with a cutoff before the
// others' deliveries (theirs date from 2000–2015). The cron function must read this
// setting, not the default of 30 days.
process.env.WEBHOOK_LOG_RETENTION_DAYS = "3650";
afterAll(() => {
  delete process.env.WEBHOOK_LOG_RETENTION_DAYS;
});

const DAY = 86_400_000;
type Status = (typeof webhookDeliveries.$inferSelect)["status"];

async function endpointOf(scope: Scope) {
  const { endpoint } = await createWebhookEndpoint(db, scope, {
    url: "https://hooks.example.com/disburse",
  });
  return endpoint.id;
}

/** A delivery created at `createdAt` in `status`, with `attempts` logged attempts. */
async function delivery(
  scope: Scope,
  endpointId: string,
  options: { createdAt: Date; status: Status; attempts: number },
) {
  const eventId = await recordEvent(db, scope, "balance.funded", {
    currency: "USD",
    amount: 100n,
    available: 100n,
    transaction_id: "ltx_retention",
  });
  const id = newId("webhookDelivery");
  const { createdAt, status } = options;
  await db.insert(webhookDeliveries).values({
    id,
    ...scope,
    eventId,
    endpointId,
    idempotencyKey: `${eventId}:${endpointId}`,
    status,
    attemptCount: options.attempts,
    nextAttemptAt: status === "scheduled" ? new Date(createdAt.getTime() + DAY) : null,
    createdAt,
    updatedAt: createdAt,
  });
  for (let n = 1; n <= options.attempts; n++) {
    await db.insert(webhookAttempts).values({
      id: newId("webhookAttempt"),
      deliveryId: id,
      ...scope,
      endpointId,
      attemptNumber: n,
      url: "https://hooks.example.com/disburse",
      requestHeaders: { "webhook-id": eventId },
      requestBody: `{"id":"${eventId}"}`,
      responseStatus: n === options.attempts && status === "succeeded" ? 200 : 500,
      durationMs: 12,
      startedAt: new Date(createdAt.getTime() + n * 60_000),
    });
  }
  return id;
}

async function left(ids: string[]) {
  const deliveries = await db
    .select({ id: webhookDeliveries.id })
    .from(webhookDeliveries)
    .where(inArray(webhookDeliveries.id, ids));
  const attempts = await db
    .select({ deliveryId: webhookAttempts.deliveryId })
    .from(webhookAttempts)
    .where(inArray(webhookAttempts.deliveryId, ids));
  return {
    deliveries: deliveries.map((d) => d.id).sort(),
    attempts: [...new Set(attempts.map((a) => a.deliveryId))].sort(),
  };
}

describe("purgeWebhookLogs", () => {
  it("deletes finished deliveries past the retention with their attempts, in every tenant, and keeps the rest", async () => {
    const now = new Date("2001-03-01T00:00:00Z");
    const old = new Date(now.getTime() - 31 * DAY);
    const young = new Date(now.getTime() - 29 * DAY);
    const a = (await insertOrganisation(db)).scope;
    const b = { ...(await insertOrganisation(db)).scope, mode: "live" as const };
    const [endpointA, endpointB] = [await endpointOf(a), await endpointOf(b)];

    const gone = [
      await delivery(a, endpointA, { createdAt: old, status: "succeeded", attempts: 2 }),
      await delivery(a, endpointA, { createdAt: old, status: "failed", attempts: 3 }),
      await delivery(a, endpointA, { createdAt: old, status: "canceled", attempts: 0 }),
      await delivery(b, endpointB, { createdAt: old, status: "succeeded", attempts: 1 }),
    ];
    const kept = [
      // Still owed an attempt: never deleted, however old.
      await delivery(a, endpointA, { createdAt: old, status: "scheduled", attempts: 1 }),
      await delivery(a, endpointA, { createdAt: young, status: "succeeded", attempts: 1 }),
      await delivery(b, endpointB, { createdAt: young, status: "failed", attempts: 2 }),
    ];

    expect(await purgeWebhookLogs(db, { retentionDays: 30, now })).toBe(4);
    expect(await left([...gone, ...kept])).toEqual({
      deliveries: [...kept].sort(),
      attempts: [...kept].sort(),
    });
    // Nothing more to do.
    expect(await purgeWebhookLogs(db, { retentionDays: 30, now })).toBe(0);
  });

  it("deletes at most `limit` a call, oldest first", async () => {
    // Before the first test's dates: its cutoff leaves that test's kept deliveries alone.
    const now = new Date("2000-06-01T00:00:00Z");
    const { scope } = await insertOrganisation(db);
    const endpointId = await endpointOf(scope);
    const ids: string[] = [];
    for (let days = 40; days < 45; days++) {
      ids.push(
        await delivery(scope, endpointId, {
          createdAt: new Date(now.getTime() - days * DAY),
          status: "succeeded",
          attempts: 1,
        }),
      );
    }
    expect(await purgeWebhookLogs(db, { retentionDays: 30, now, limit: 2 })).toBe(2);
    // The two oldest (44 and 43 days) went first.
    expect((await left(ids)).deliveries).toEqual(ids.slice(0, 3).sort());
    expect(await purgeWebhookLogs(db, { retentionDays: 30, now, limit: 2 })).toBe(2);
    expect(await purgeWebhookLogs(db, { retentionDays: 30, now, limit: 2 })).toBe(1);
    expect((await left(ids)).deliveries).toEqual([]);
  });
});

describe("purge-webhook-logs", () => {
  it("purges on its hourly cron with WEBHOOK_LOG_RETENTION_DAYS", async () => {
    const { scope } = await insertOrganisation(db);
    const endpointId = await endpointOf(scope);
    const ancient = await delivery(scope, endpointId, {
      createdAt: new Date("2015-01-01T00:00:00Z"),
      status: "succeeded",
      attempts: 1,
    });
    const recent = await delivery(scope, endpointId, {
      createdAt: new Date(),
      status: "succeeded",
      attempts: 1,
    });

    const { result } = await new InngestTestEngine({ function: purgeWebhookLogsSweep }).execute();

    expect(result).toMatchObject({ retentionDays: 3650 });
    expect((result as { purged: number }).purged).toBeGreaterThanOrEqual(1);
    expect((await left([ancient, recent])).deliveries).toEqual([recent]);
    const [stillThere] = await db
      .select({ id: webhookAttempts.id })
      .from(webhookAttempts)
      .where(eq(webhookAttempts.deliveryId, recent));
    expect(stillThere).toBeDefined();
  });

  it("refuses a retention under a week or that is not a whole number of days", () => {
    const env = (vars: Record<string, string>) => parseConfig({ NODE_ENV: "test", ...vars });
    for (const bad of ["0", "6", "2.5", "a month", "-30", "4000"]) {
      expect(() => env({ WEBHOOK_LOG_RETENTION_DAYS: bad })).toThrow(/WEBHOOK_LOG_RETENTION_DAYS/);
    }
    expect(env({}).WEBHOOK_LOG_RETENTION_DAYS).toBe(30);
    expect(env({ WEBHOOK_LOG_RETENTION_DAYS: "90" }).WEBHOOK_LOG_RETENTION_DAYS).toBe(90);
  });
});
