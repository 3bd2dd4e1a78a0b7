import { eq, isNull, sql } from "drizzle-orm";
import type postgres from "postgres";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { db } from "@/db/client";
import { connectPostgres } from "@/db/connect";
import { events, webhookDeliveries } from "@/db/schema";
import type { Scope } from "@/db/scope";
import { createWebhookEndpoint, updateWebhookEndpoint } from "@/lib/webhooks/endpoints";
import { startTestApp, type TestApp } from "@/tests/fixtures/inngest-app";
import { insertOrganisation } from "@/tests/payouts/fixtures";
import { recordEvents } from "./outbox";
import { type RelayedEvent, relayPendingEvents, type SendEvents, unrelayedBatch } from "./relay";

process.env.AUTH_SECRET ??= "relay-test-secret-relay-test-secret-0123456789";

let app: TestApp;
let engineSql: postgres.Sql;
beforeAll(async () => {
  app = await startTestApp(() => []);
  engineSql = connectPostgres(process.env.DATABASE_URL as string, { max: 2 });
});
afterAll(async () => {
  await engineSql.end();
  await app.close();
});

const toEngine: SendEvents = (batch) => app.inngest.send(batch);

async function engineEvents(ids: string[]) {
  return engineSql<{ id: string; name: string; event: { data: Record<string, unknown> } }[]>`
    select id, name, event from inngest_engine.events where id = any(${ids})`;
}

function funded(n: number) {
  return Array.from({ length: n }, (_, i) => ({
    type: "balance.funded" as const,
    data: {
      currency: "USD" as const,
      amount: 100n + BigInt(i),
      available: 500n,
      transaction_id: `ltx_${i}`,
    },
  }));
}

async function unrelayed(ids: string[]) {
  const rows = await db.select({ id: events.id }).from(events).where(isNull(events.relayedAt));
  return rows.filter((r) => ids.includes(r.id));
}

describe("outbox relay", () => {
  let scope: Scope;
  beforeAll(async () => {
    ({ scope } = await insertOrganisation(db));
  });

  it("sends each row to Inngest with its outbox id and tenant, and marks it relayed", async () => {
    const ids = await recordEvents(db, scope, funded(3));
    const result = await relayPendingEvents(db, toEngine);
    expect(result.relayed).toBeGreaterThanOrEqual(3);
    expect(await unrelayed(ids)).toEqual([]);
    const received = await engineEvents(ids);
    expect(received.map((e) => e.id).sort()).toEqual([...ids].sort());
    expect(received[0]?.name).toBe("balance.funded");
    expect(received[0]?.event.data).toMatchObject({
      organisation_id: scope.organisationId,
      mode: "test",
      currency: "USD",
    });
    expect((await relayPendingEvents(db, toEngine)).relayed).toBe(0);
  });

  it("lets Inngest drop a row sent twice (commit lost after the send)", async () => {
    const ids = await recordEvents(db, scope, funded(2));
    await relayPendingEvents(db, toEngine);
    await db
      .update(events)
      .set({ relayedAt: null })
      .where(eq(events.id, ids[0] as string));
    await relayPendingEvents(db, toEngine);
    expect(await engineEvents(ids)).toHaveLength(2);
  });

  it("keeps rows and creates no deliveries when the send fails", async () => {
    await createWebhookEndpoint(db, scope, { url: "http://127.0.0.1:9/hook" });
    const ids = await recordEvents(db, scope, funded(2));
    const failing: SendEvents = async () => {
      throw new Error("Inngest unreachable");
    };
    await expect(relayPendingEvents(db, failing)).rejects.toThrow("Inngest unreachable");
    expect(await unrelayed(ids)).toHaveLength(2);
    const deliveries = await db
      .select()
      .from(webhookDeliveries)
      .where(eq(webhookDeliveries.eventId, ids[0] as string));
    expect(deliveries).toEqual([]);
    await relayPendingEvents(db, toEngine);
    expect(await unrelayed(ids)).toEqual([]);
  });

  it("never sends a row twice when relays run at once", async () => {
    const ids = await recordEvents(db, scope, funded(250));
    const seen: RelayedEvent[] = [];
    const slowCount: SendEvents = async (batch) => {
      seen.push(...batch);
      await new Promise((r) => setTimeout(r, 20));
    };
    await Promise.all([
      relayPendingEvents(db, slowCount, { batchSize: 40 }),
      relayPendingEvents(db, slowCount, { batchSize: 40 }),
      relayPendingEvents(db, slowCount, { batchSize: 40 }),
    ]);
    const mine = seen.filter((e) => ids.includes(e.id));
    expect(mine).toHaveLength(250);
    expect(new Set(mine.map((e) => e.id)).size).toBe(250);
  });

  it("takes each batch as one range of its index, with no sort of the outbox", async () => {
    // A campaign's events share one created_at; on that column alone the planner had to
    // read and sort every unrelayed row to take a batch (issue 20).
    const ids = await recordEvents(db, scope, funded(3));
    await db.transaction(async (tx) => {
      // The question is whether an index can give the order, not which plan a nearly
      // empty table gets: scans that cannot, and sorts, are priced out.
      for (const setting of ["enable_seqscan", "enable_bitmapscan", "enable_sort"]) {
        await tx.execute(sql.raw(`set local ${setting} = off`));
      }
      for (const after of [null, ids[0] as string]) {
        const query = unrelayedBatch(tx, after, 1_000).toSQL();
        const plan = await tx.execute<{ "QUERY PLAN": string }>(
          sql.raw(
            `explain ${query.sql.replace(/\$(\d+)/g, (_, n) => {
              const value = query.params[Number(n) - 1];
              return typeof value === "number" ? String(value) : `'${String(value)}'`;
            })}`,
          ),
        );
        const lines = plan.map((row) => row["QUERY PLAN"]).join("\n");
        expect(lines).toContain("events_unrelayed_idx");
        expect(lines).not.toMatch(/Sort/);
      }
    });
    await relayPendingEvents(db, toEngine);
  });

  it("relays one transaction's rows in id order across batches", async () => {
    const ids = await recordEvents(db, scope, funded(30));
    const seen: string[] = [];
    const count: SendEvents = async (batch) => {
      seen.push(...batch.map((e) => e.id));
    };
    expect((await relayPendingEvents(db, count, { batchSize: 10 })).relayed).toBeGreaterThanOrEqual(
      30,
    );
    // One transaction's rows share their created_at; the relay takes them in id order.
    expect(seen.filter((id) => ids.includes(id))).toEqual([...ids].sort());
  });
});

describe("webhook deliveries from the relay", () => {
  it("creates one delivery per subscribed, enabled endpoint of the event's tenant", async () => {
    const { scope } = await insertOrganisation(db);
    const { scope: other } = await insertOrganisation(db);
    const all = await createWebhookEndpoint(db, scope, { url: "https://a.example/hook" });
    const paidOnly = await createWebhookEndpoint(db, scope, {
      url: "https://b.example/hook",
      event_types: ["payout.paid"],
    });
    const funding = await createWebhookEndpoint(db, scope, {
      url: "https://c.example/hook",
      event_types: ["balance.funded"],
    });
    const disabled = await createWebhookEndpoint(db, scope, { url: "https://d.example/hook" });
    await updateWebhookEndpoint(db, scope, disabled.endpoint.id, { disabled: true });
    const elsewhere = await createWebhookEndpoint(db, other, { url: "https://e.example/hook" });
    const live = await createWebhookEndpoint(
      db,
      { ...scope, mode: "live" },
      { url: "https://f.example/hook" },
    );

    const [eventId] = await recordEvents(db, scope, funded(1));
    await relayPendingEvents(db, toEngine);
    await db
      .update(events)
      .set({ relayedAt: null })
      .where(eq(events.id, eventId as string));
    await relayPendingEvents(db, toEngine);

    const rows = await db
      .select()
      .from(webhookDeliveries)
      .where(eq(webhookDeliveries.eventId, eventId as string));
    expect(rows.map((r) => r.endpointId).sort()).toEqual(
      [all.endpoint.id, funding.endpoint.id].sort(),
    );
    expect(rows.every((r) => r.status === "scheduled" && r.attemptCount === 0)).toBe(true);
    const excluded = [paidOnly, disabled, elsewhere, live].map((e) => e.endpoint.id);
    expect(rows.some((r) => excluded.includes(r.endpointId))).toBe(false);
  });
});
