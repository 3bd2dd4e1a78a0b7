import http from "node:http";
import type { AddressInfo } from "node:net";
import { and, eq } from "drizzle-orm";
import { serve } from "inngest/node";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { db } from "@/db/client";
import { connectPostgres } from "@/db/connect";
import { batches, emails } from "@/db/schema";
import { inngest } from "@/inngest/client";
import { type LocalEngine, startLocalEngine } from "@/inngest/engine";
import { functions } from "@/inngest/functions";
import { relayEvents } from "@/inngest/relay";
import { createBatch, createBatchBodySchema } from "@/lib/batches/create-batch";
import { movePayout } from "@/lib/payouts/machine";
import { getPayout } from "@/lib/payouts/queries";
import { createWebhookEndpoint } from "@/lib/webhooks/endpoints";
import { TEST_EVENT_KEY, until } from "@/tests/fixtures/inngest-app";
import { startWebhookReceiver, type WebhookReceiver } from "@/tests/fixtures/webhook-receiver";
import { fund, insertOrganisation } from "@/tests/payouts/fixtures";

process.env.AUTH_SECRET ??= "end-to-end-secret-end-to-end-secret-0123456789";

let server: http.Server;
let engine: LocalEngine;
let receiver: WebhookReceiver;

/**
 * The app's real functions behind the SDK's own serve handler on an ephemeral port, with
 * the local engine playing Inngest, all on this file's database: what `npm start` runs.
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
    pollMs: 20,
    log: () => {},
  });
  inngest.setEnvVars({
    INNGEST_BASE_URL: engine.url,
    INNGEST_DEV: "1",
    INNGEST_EVENT_KEY: TEST_EVENT_KEY,
  });
  server.on("request", serve({ client: inngest, functions }));
  await engine.sync();
  receiver = await startWebhookReceiver();
});

afterAll(async () => {
  await engine.stop();
  server.closeAllConnections();
  await new Promise<void>((resolve) => server.close(() => resolve()));
  await receiver.close();
  const sql = connectPostgres(process.env.DATABASE_URL as string, { max: 1 });
  await sql`drop schema if exists inngest_engine cascade`;
  await sql.end();
});

describe("background functions end to end", { timeout: 180_000 }, () => {
  it("fans a campaign out, invites everyone, delivers signed webhooks, then pays a claim", async () => {
    const { scope, organisationId } = await insertOrganisation(db);
    await fund(db, scope, 10_000_000n);
    const { secret } = await createWebhookEndpoint(db, scope, {
      url: receiver.url("/e2e"),
      event_types: ["payout.claimable", "batch.completed", "payout.paid"],
    });
    receiver.register("/e2e", secret);

    const body = createBatchBodySchema.parse({
      name: "Launch week",
      currency: "USD",
      items: Array.from({ length: 150 }, (_, i) => ({
        recipient: { email: `e2e${i}@example.com`, country: "US" },
        amount: 2_000,
      })),
    });
    const { batch, payoutIds } = await createBatch(db, scope, body);
    await relayEvents();

    await until(
      async () => {
        const [row] = await db.select().from(batches).where(eq(batches.id, batch.id));
        return row?.status === "completed";
      },
      "the campaign to complete",
      120_000,
    );
    const invites = await db
      .select({ id: emails.id })
      .from(emails)
      .where(and(eq(emails.organisationId, organisationId), eq(emails.kind, "invite")));
    expect(invites).toHaveLength(150);

    await until(() => receiver.on("/e2e").length >= 151, "151 webhooks", 120_000);
    const got = receiver.on("/e2e");
    expect(got.every((r) => r.verified)).toBe(true);
    const types = got.map((r) => JSON.parse(r.body).type as string);
    expect(types.filter((t) => t === "payout.claimable")).toHaveLength(150);
    expect(types.filter((t) => t === "batch.completed")).toHaveLength(1);

    const payoutId = payoutIds[0] as string;
    await movePayout(db, scope, payoutId, "claim", {
      actor: "recipient",
      changes: {
        method: "paypal",
        methodDetails: { account: "e2e0@example.com", accountType: "email" },
      },
    });
    await relayEvents();
    await until(
      async () => (await getPayout(db, scope, payoutId))?.status === "paid",
      "the claimed payout to be paid",
      60_000,
    );
    await until(
      async () =>
        (
          await db
            .select()
            .from(emails)
            .where(eq(emails.idempotencyKey, `receipt:${payoutId}:1`))
        ).length === 1,
      "the receipt",
      60_000,
    );
    await until(
      () => receiver.on("/e2e").some((r) => JSON.parse(r.body).type === "payout.paid"),
      "the payout.paid webhook",
      60_000,
    );
  });
});
