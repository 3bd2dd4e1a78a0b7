import { Disburse, type WebhookEvent } from "@disburse/sdk";
import { and, eq } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { db } from "@/db/client";
import { payouts } from "@/db/schema";
import { tenantWhere } from "@/db/scope";
import { relayPendingEvents } from "@/lib/events/relay";
import { preparePayouts } from "@/lib/payouts/prepare-payouts";
import { runDeliveryLoop } from "@/lib/webhooks/delivery-loop";
import { type ApiServer, startApiServer } from "@/tests/fixtures/api-server";
import { createTestOrganisation } from "@/tests/fixtures/organisations";
import { startWebhookReceiver, type WebhookReceiver } from "@/tests/fixtures/webhook-receiver";

process.env.AUTH_SECRET ??= "test-secret-for-sealing-webhook-secrets-0000";

let server: ApiServer;
let receiver: WebhookReceiver;

beforeAll(async () => {
  server = await startApiServer();
  receiver = await startWebhookReceiver();
});

afterAll(async () => {
  await receiver.close();
  await server.close();
});

/** What the app's background engine does after each request: fan events out, deliver them. */
async function backgroundWork() {
  await relayPendingEvents(db, async () => {});
  await runDeliveryLoop(db, { budgetMs: 5_000, timeoutMs: 5_000 });
}

describe("an integrator with the SDK alone, in test mode", () => {
  it("scripts a payout's life: funds, endpoint, test event, create, cancel, every webhook verified, replay, deliveries", async () => {
    const org = await createTestOrganisation(db, "Integrator");
    const disburse = new Disburse({ apiKey: org.testKey, baseUrl: server.url });

    const endpoint = await disburse.post("/webhook_endpoints", {
      body: { url: receiver.url("/integrator") },
    });
    const verified: WebhookEvent[] = [];
    const receive = () => {
      for (const delivery of receiver.on("/integrator").slice(verified.length)) {
        verified.push(disburse.verifyWebhook(delivery.body, delivery.headers, endpoint.secret));
      }
    };

    // The endpoint answers a signed test event before anything real happens.
    const test = await disburse.post("/webhook_endpoints/{id}/test", {
      params: { path: { id: endpoint.id } },
    });
    expect(test.event_type).toBe("ping");
    await backgroundWork();
    receive();
    expect(verified.map((e) => e.type)).toEqual(["ping"]);

    await disburse.post("/funding/test_deposits", { body: { amount: 100_000, currency: "USD" } });
    const payout = await disburse.post("/payouts", {
      body: {
        recipient: { email: "grace@example.com", name: "Grace Hopper", country: "KE" },
        amount: 2_500,
        currency: "USD",
        description: "Conference talk",
      },
    });
    expect(payout.status).toBe("pending");
    const canceled = await disburse.post("/payouts/{id}/cancel", {
      params: { path: { id: payout.id } },
    });
    expect(canceled.status).toBe("canceled");

    await backgroundWork();
    receive();
    expect(verified.map((e) => e.type)).toEqual([
      "ping",
      "balance.funded",
      "payout.created",
      "payout.canceled",
    ]);
    const created = verified.find((e) => e.type === "payout.created");
    if (created?.type !== "payout.created") throw new Error("no payout.created");
    expect(created.data.object.id).toBe(payout.id);
    expect(created.data.object.amount).toBe(2_500);

    // Replay one event, and see both of its deliveries with their attempts.
    const replayed = await disburse.post("/events/{id}/replay", {
      params: { path: { id: created.id } },
      body: { endpoint_id: endpoint.id },
    });
    expect(replayed.data).toHaveLength(1);
    await backgroundWork();
    receive();
    expect(verified.at(-1)).toEqual(created);

    const deliveries = [];
    for await (const delivery of disburse.list("/events/{id}/deliveries", {
      params: { path: { id: created.id } },
    })) {
      deliveries.push(delivery);
    }
    expect(deliveries.map((d) => [d.replay, d.status, d.attempts.length])).toEqual([
      [true, "succeeded", 1],
      [false, "succeeded", 1],
    ]);
    expect(deliveries[0]?.attempts[0]).toMatchObject({ response_status: 200 });

    const byEndpoint = await disburse.get("/webhook_endpoints/{id}/deliveries", {
      params: { path: { id: endpoint.id }, query: { limit: 100 } },
    });
    expect(byEndpoint.data).toHaveLength(5);
  });

  it("creates with notify none, reads claim_url, claims, pays, returns, fails, expires and reissues by test helper, every webhook verified", async () => {
    const org = await createTestOrganisation(db, "Integrator lifecycle");
    const scope = { organisationId: org.organisation.id, mode: "test" as const };
    const disburse = new Disburse({ apiKey: org.testKey, baseUrl: server.url });
    const endpoint = await disburse.post("/webhook_endpoints", {
      body: { url: receiver.url("/lifecycle") },
    });
    const verified: WebhookEvent[] = [];
    const receive = () => {
      for (const delivery of receiver.on("/lifecycle").slice(verified.length)) {
        verified.push(disburse.verifyWebhook(delivery.body, delivery.headers, endpoint.secret));
      }
    };
    /** The background engine's share: screen and issue links, relay, deliver. */
    const background = async () => {
      const pending = await db
        .select({ id: payouts.id })
        .from(payouts)
        .where(and(tenantWhere(payouts, scope), eq(payouts.status, "pending")));
      await preparePayouts(
        db,
        scope,
        pending.map((p) => p.id),
      );
      await backgroundWork();
      receive();
    };

    await disburse.post("/funding/test_deposits", { body: { amount: 100_000, currency: "USD" } });
    const payout = await disburse.post("/payouts", {
      body: {
        recipient: { email: "ada@example.com", name: "Ada Lovelace", country: "US" },
        amount: 4_000,
        currency: "USD",
        notify: "none",
      },
    });
    expect(payout).toMatchObject({ status: "pending", notify: "none", claim_url: null });
    await background();
    const claimable = await disburse.get("/payouts/{id}", { params: { path: { id: payout.id } } });
    expect(claimable.status).toBe("claimable");
    expect(claimable.claim_url).toMatch(/\/c\/[A-Za-z0-9_-]{43}$/);
    // Reading it again gives the same link: reading never issues one.
    const again = await disburse.get("/payouts/{id}", { params: { path: { id: payout.id } } });
    expect(again.claim_url).toBe(claimable.claim_url);

    const path = { params: { path: { id: payout.id } } };
    const paypal = { method: "paypal", details: { account: "ada@example.com" } } as const;
    expect(
      (await disburse.post("/test_helpers/payouts/{id}/claim", { ...path, body: paypal })).status,
    ).toBe("claimed");
    expect((await disburse.post("/test_helpers/payouts/{id}/pay", path)).status).toBe("paid");
    expect((await disburse.post("/test_helpers/payouts/{id}/return", path)).status).toBe(
      "returned",
    );
    expect(
      (await disburse.post("/test_helpers/payouts/{id}/claim", { ...path, body: paypal })).status,
    ).toBe("claimed");
    expect((await disburse.post("/test_helpers/payouts/{id}/fail", path)).status).toBe("failed");

    // A second payout runs out its window, and is reissued with a new link.
    const late = await disburse.post("/payouts", {
      body: {
        recipient: { email: "grace@example.com", name: "Grace Hopper", country: "US" },
        amount: 1_500,
        currency: "USD",
        notify: "none",
      },
    });
    await background();
    const latePath = { params: { path: { id: late.id } } };
    const firstLink = (await disburse.get("/payouts/{id}", latePath)).claim_url;
    expect((await disburse.post("/test_helpers/payouts/{id}/expire", latePath)).status).toBe(
      "expired",
    );
    expect((await disburse.get("/payouts/{id}", latePath)).claim_url).toBeNull();
    const reissued = await disburse.post("/payouts/{id}/reissue", { ...latePath, body: {} });
    expect(reissued.status).toBe("claimable");
    expect(reissued.claim_url).toMatch(/\/c\//);
    expect(reissued.claim_url).not.toBe(firstLink);

    await background();
    // Every event of each payout arrived, verified; deliveries promise no order (docs/webhooks.md).
    const types = (id: string) =>
      verified
        .filter((e) => (e.data as { object?: { id?: string } }).object?.id === id)
        .map((e) => e.type)
        .sort();
    expect(types(payout.id)).toEqual(
      [
        "payout.created",
        "payout.claimable",
        "payout.claimed",
        "payout.processing",
        "payout.paid",
        "payout.returned",
        "payout.claimed",
        "payout.processing",
        "payout.failed",
      ].sort(),
    );
    expect(types(late.id)).toEqual(
      ["payout.created", "payout.claimable", "payout.expired", "payout.claimable"].sort(),
    );
    // No webhook carries a claim link: it is the integrator's to read, never to be sent.
    expect(verified.some((e) => JSON.stringify(e).includes("/c/"))).toBe(false);

    // Replay the payment's event and find both of its deliveries.
    const paid = verified.find(
      (e) =>
        e.type === "payout.paid" && (e.data as { object: { id: string } }).object.id === payout.id,
    );
    if (!paid) throw new Error("no payout.paid");
    await disburse.post("/events/{id}/replay", { params: { path: { id: paid.id } }, body: {} });
    await background();
    expect(verified.at(-1)).toEqual(paid);
    const deliveries = [];
    for await (const d of disburse.list("/events/{id}/deliveries", {
      params: { path: { id: paid.id } },
    })) {
      deliveries.push(d);
    }
    expect(deliveries.map((d) => d.status)).toEqual(["succeeded", "succeeded"]);
  });
});
