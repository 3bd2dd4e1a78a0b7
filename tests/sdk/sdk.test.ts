import {
  Disburse,
  DisburseConnectionError,
  DisburseError,
  isDisburseError,
  verifyWebhook,
} from "@disburse/sdk";
import { eq } from "drizzle-orm";
import { Webhook } from "standardwebhooks";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { db } from "@/db/client";
import { payouts } from "@/db/schema";
import { type ApiServer, startApiServer } from "@/tests/fixtures/api-server";
import { createTestOrganisation, type TestOrganisation } from "@/tests/fixtures/organisations";

process.env.AUTH_SECRET ??= "test-secret-for-sealing-webhook-secrets-0000";

let server: ApiServer;
let acme: TestOrganisation;
let disburse: Disburse;

beforeAll(async () => {
  server = await startApiServer();
  acme = await createTestOrganisation(db, "SDK");
  disburse = new Disburse({ apiKey: acme.testKey, baseUrl: server.url, retryDelayMs: 10 });
  await disburse.post("/funding/test_deposits", { body: { amount: 1_000_000, currency: "USD" } });
});

afterAll(async () => {
  await server.close();
});

describe("the SDK over HTTP", () => {
  it("creates and reads with typed requests and responses", async () => {
    const recipient = await disburse.post("/recipients", {
      body: { email: "ada@example.com", name: "Ada", country: "KE" },
    });
    expect(recipient.object).toBe("recipient");
    const payout = await disburse.post("/payouts", {
      body: { recipient_id: recipient.id, amount: 5000, currency: "USD" },
    });
    expect(payout).toMatchObject({ object: "payout", amount: 5000, currency: "USD" });
    const read = await disburse.get("/payouts/{id}", { params: { path: { id: payout.id } } });
    expect(read.id).toBe(payout.id);
  });

  it("pages through a list with the iterator, newest first", async () => {
    const org = await createTestOrganisation(db, "Pages");
    const client = new Disburse({ apiKey: org.testKey, baseUrl: server.url });
    const created: string[] = [];
    for (let n = 0; n < 5; n++) {
      const r = await client.post("/recipients", {
        body: { email: `p${n}@example.com`, country: "GB" },
      });
      created.push(r.id);
    }
    const seen: string[] = [];
    for await (const recipient of client.list("/recipients", {
      params: { query: { limit: 2 } },
    })) {
      seen.push(recipient.id);
    }
    expect(seen).toEqual([...created].reverse());
  });

  it("retries a POST whose answer was lost with the same Idempotency-Key, so it acts once", async () => {
    const keys: string[] = [];
    let tries = 0;
    const flaky = new Disburse({
      apiKey: acme.testKey,
      baseUrl: server.url,
      retryDelayMs: 10,
      fetch: async (request) => {
        keys.push(request.headers.get("idempotency-key") ?? "");
        const response = await fetch(request);
        // The first answer is lost on the way back, after the server acted.
        if (++tries === 1) throw new TypeError("fetch failed: socket hang up");
        return response;
      },
    });
    const payout = await flaky.post("/payouts", {
      body: {
        recipient: { email: "retried@example.com", country: "KE" },
        amount: 700,
        currency: "USD",
      },
    });
    expect(keys).toHaveLength(2);
    expect(keys[0]).toMatch(/^[0-9a-f-]{36}$/);
    expect(keys[1]).toBe(keys[0]);
    const rows = await db.select().from(payouts).where(eq(payouts.amount, 700n));
    expect(rows.map((r) => r.id)).toEqual([payout.id]);
  });

  it("retries 503 and 429, honouring Retry-After, and gives up after maxRetries", async () => {
    const answers = [503, 429, 200];
    const seen: number[] = [];
    const client = new Disburse({
      apiKey: acme.testKey,
      baseUrl: server.url,
      retryDelayMs: 1,
      fetch: async (request) => {
        const status = answers.shift() ?? 200;
        seen.push(status);
        if (status !== 200) {
          return new Response(null, { status, headers: { "retry-after": "0" } });
        }
        return fetch(request);
      },
    });
    const balances = await client.get("/balances");
    expect(seen).toEqual([503, 429, 200]);
    expect(balances.object).toBe("list");

    const unreachable = new Disburse({
      apiKey: acme.testKey,
      baseUrl: "http://127.0.0.1:9",
      maxRetries: 1,
      retryDelayMs: 1,
    });
    await expect(unreachable.get("/balances")).rejects.toBeInstanceOf(DisburseConnectionError);
  });

  it("throws typed errors from problem+json", async () => {
    const poor = await createTestOrganisation(db, "Poor");
    const client = new Disburse({ apiKey: poor.testKey, baseUrl: server.url });
    const refused = await client
      .post("/payouts", {
        body: {
          recipient: { email: "x@example.com", country: "KE" },
          amount: 5000,
          currency: "USD",
        },
      })
      .catch((error: unknown) => error);
    expect(refused).toBeInstanceOf(DisburseError);
    expect(isDisburseError(refused, "insufficient_funds")).toBe(true);
    expect(refused).toMatchObject({ status: 422, title: "Insufficient funds", replayed: false });
    expect((refused as DisburseError).requestId).toMatch(/^req_/);

    const invalid = await client
      .post("/recipients", { body: { email: "not an email", country: "KE" } })
      .catch((error: unknown) => error);
    expect(isDisburseError(invalid, "validation_failed")).toBe(true);
    expect((invalid as DisburseError).errors).toEqual([
      { path: "email", message: "expected an email address" },
    ]);

    const missing = await client
      .get("/payouts/{id}", { params: { path: { id: "po_0000000000000000000000000" } } })
      .catch((error: unknown) => error);
    expect(isDisburseError(missing, "not_found")).toBe(true);

    const badKey = new Disburse({ apiKey: "sk_test_nope", baseUrl: server.url });
    await expect(badKey.get("/balances")).rejects.toMatchObject({ code: "unauthenticated" });
  });

  it("verifies webhooks with standardwebhooks and returns the typed event", () => {
    const secret = `whsec_${Buffer.from("0123456789abcdef01234567").toString("base64")}`;
    const body = JSON.stringify({
      id: "evt_1",
      object: "event",
      type: "ping",
      livemode: false,
      created_at: new Date().toISOString(),
      data: { endpoint_id: "we_1", message: "hello" },
    });
    const now = new Date();
    const headers = {
      "webhook-id": "evt_1",
      "webhook-timestamp": String(Math.floor(now.getTime() / 1000)),
      "webhook-signature": new Webhook(secret).sign("evt_1", now, body),
    };
    const event = verifyWebhook(body, new Headers(headers), secret);
    expect(event.type).toBe("ping");
    if (event.type === "ping") expect(event.data.endpoint_id).toBe("we_1");
    expect(() => verifyWebhook(body.replace("hello", "hi"), headers, secret)).toThrow();
  });
});
