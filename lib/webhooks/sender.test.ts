import http from "node:http";
import type { LookupFunction } from "node:net";
import net from "node:net";
import { eq } from "drizzle-orm";
import { afterAll, afterEach, describe, expect, it } from "vitest";
import { db } from "@/db/client";
import { webhookDeliveries } from "@/db/schema";
import { recordEvent } from "@/lib/events/outbox";
import { insertOrganisation } from "@/tests/payouts/fixtures";
import { attemptDelivery, claimDueDeliveries, enqueueWebhookDeliveries } from "./delivery";
import { listAttempts } from "./delivery-queries";
import { createWebhookEndpoint } from "./endpoints";
import { createWebhookSender, RESPONSE_EXCERPT_BYTES, type WebhookSender } from "./sender";

process.env.AUTH_SECRET ??= "sender-test-secret-sender-test-secret-01234567";

/** A resolver that answers from a table, as a DNS server under an attacker's control would. */
function resolverOf(table: Record<string, string>): LookupFunction {
  return ((
    hostname: string,
    options: { all?: boolean },
    callback: (...args: unknown[]) => void,
  ) => {
    const address = table[hostname];
    if (!address) return callback(Object.assign(new Error("not found"), { code: "ENOTFOUND" }));
    const family = address.includes(":") ? 6 : 4;
    if (options.all) callback(null, [{ address, family }]);
    else callback(null, address, family);
  }) as LookupFunction;
}

const closers: Array<() => unknown> = [];
afterEach(async () => {
  for (const close of closers.splice(0)) await close();
});
afterAll(async () => {
  await db
    .update(webhookDeliveries)
    .set({ status: "canceled", nextAttemptAt: null })
    .where(eq(webhookDeliveries.status, "scheduled"));
});

async function listen(server: net.Server): Promise<number> {
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  closers.push(
    () =>
      new Promise<void>((resolve) => {
        if (server instanceof http.Server) server.closeAllConnections();
        server.close(() => resolve());
      }),
  );
  return (server.address() as net.AddressInfo).port;
}

function sender(table: Record<string, string> = {}): WebhookSender {
  const created = createWebhookSender({ lookup: resolverOf(table) });
  closers.push(() => created.close());
  return created;
}

const post = (s: WebhookSender, url: string, mode: "test" | "live" = "test", timeoutMs = 5_000) =>
  s.send({ url, mode, headers: { "content-type": "application/json" }, body: "{}", timeoutMs });

describe("where webhooks may connect (SSRF at delivery time)", () => {
  it("never contacts a live endpoint whose host resolves to an internal address when delivering", async () => {
    let connections = 0;
    const listener = net.createServer((socket) => {
      connections++;
      socket.destroy();
    });
    const port = await listen(listener);
    const { scope: testScope } = await insertOrganisation(db);
    const scope = { ...testScope, mode: "live" as const };
    // Registered while the name pointed at a public address…
    const { endpoint } = await createWebhookEndpoint(
      db,
      scope,
      { url: `https://hooks.rebind.test:${port}/disburse` },
      { lookup: resolverOf({ "hooks.rebind.test": "93.184.216.34" }) },
    );
    const eventId = await recordEvent(db, scope, "balance.funded", {
      currency: "USD",
      amount: 1n,
      available: 1n,
      transaction_id: "ltx_rebind",
    });
    await enqueueWebhookDeliveries(db, [{ id: eventId, ...scope, type: "balance.funded" }]);
    const [due] = await claimDueDeliveries(db, { limit: 10 });
    // …then rebound to loopback, where something of ours listens.
    const outcome = await attemptDelivery(db, due as never, {
      sender: sender({ "hooks.rebind.test": "127.0.0.1" }),
    });

    expect(connections).toBe(0);
    expect(outcome.status).toBe("scheduled");
    const [attempt] = await listAttempts(db, scope, outcome.deliveryId);
    expect(attempt?.endpointId).toBe(endpoint.id);
    expect(attempt?.responseStatus).toBeNull();
    expect(attempt?.error).toBe("refused: the host is or resolves to a loopback address");
  });

  it("refuses private, link-local, metadata and mapped addresses a name resolves to, in either mode", async () => {
    const table = {
      "private.rebind.test": "10.1.2.3",
      "metadata.rebind.test": "169.254.169.254",
      "mapped.rebind.test": "::ffff:192.168.0.1",
      "cgnat.rebind.test": "100.64.1.1",
      "ula.rebind.test": "fd12:3456::1",
    };
    const s = sender(table);
    for (const host of Object.keys(table)) {
      for (const mode of ["test", "live"] as const) {
        const result = await post(s, `http://${host}/hooks`, mode);
        expect(result.status, `${host} ${mode}`).toBeNull();
        expect(result.error, `${host} ${mode}`).toMatch(/^refused: the host is or resolves to /);
      }
    }
  });

  it("connects to the address it checked, keeping the name for Host (test mode may use loopback)", async () => {
    const hosts: string[] = [];
    const server = http.createServer((req, res) => {
      hosts.push(req.headers.host ?? "");
      res.writeHead(204).end();
    });
    const port = await listen(server);
    const result = await post(
      sender({ "receiver.rebind.test": "127.0.0.1" }),
      `http://receiver.rebind.test:${port}/hooks`,
    );
    expect(result.status).toBe(204);
    expect(hosts).toEqual([`receiver.rebind.test:${port}`]);
  });

  it("does not follow redirects", async () => {
    const paths: string[] = [];
    const server = http.createServer((req, res) => {
      paths.push(req.url ?? "");
      res.writeHead(302, { location: `http://127.0.0.1:${port}/elsewhere` }).end("moved");
    });
    const port = await listen(server);
    const result = await post(sender(), `http://127.0.0.1:${port}/hooks`);
    expect(result.status).toBe(302);
    expect(paths).toEqual(["/hooks"]);
  });
});

describe("reading answers", () => {
  it("cuts a 50 MB answer at the excerpt cap without reading the rest", async () => {
    let written = 0;
    const server = http.createServer((_req, res) => {
      res.writeHead(200, { "content-length": String(50 * 1024 * 1024) });
      const chunk = Buffer.alloc(64 * 1024, "x");
      const pump = () => {
        while (written < 50 * 1024 * 1024) {
          written += chunk.length;
          if (!res.write(chunk)) return res.once("drain", pump);
        }
        res.end();
      };
      res.on("close", () => res.removeAllListeners("drain"));
      pump();
    });
    const port = await listen(server);
    const started = Date.now();
    const result = await post(sender(), `http://127.0.0.1:${port}/huge`);
    expect(result.status).toBe(200);
    expect(Buffer.byteLength(result.responseBody ?? "")).toBe(RESPONSE_EXCERPT_BYTES);
    expect(Date.now() - started).toBeLessThan(2_000);
    // The connection was dropped long before the body's end.
    await new Promise((resolve) => setTimeout(resolve, 100));
    expect(written).toBeLessThan(50 * 1024 * 1024);
  });

  it("holds no attempt past its timeout when the body drips forever", async () => {
    const server = http.createServer((_req, res) => {
      res.writeHead(200);
      const drip = setInterval(() => res.write("."), 50);
      res.on("close", () => clearInterval(drip));
    });
    const port = await listen(server);
    const started = Date.now();
    const result = await post(sender(), `http://127.0.0.1:${port}/drip`, "test", 500);
    const took = Date.now() - started;
    expect(took).toBeGreaterThanOrEqual(450);
    expect(took).toBeLessThan(1_500);
    // It answered in time; what arrived of the body is kept.
    expect(result.status).toBe(200);
    expect((result.responseBody ?? "").length).toBeLessThan(RESPONSE_EXCERPT_BYTES);
  });

  it("times out a receiver that never answers", async () => {
    const server = http.createServer(() => {});
    const port = await listen(server);
    const result = await post(sender(), `http://127.0.0.1:${port}/silent`, "test", 300);
    expect(result).toMatchObject({ status: null, error: "timed out" });
  });

  it("counts the timeout from the connection, and drops unsent what waited past startBy", async () => {
    // One connection to the host, each answer 300 ms: the second request waits 300 ms
    // for the connection, then takes 300 ms, within a 500 ms timeout of its own.
    let received = 0;
    const server = http.createServer((_req, res) => {
      received++;
      setTimeout(() => res.writeHead(204).end(), 300);
    });
    const port = await listen(server);
    const one = createWebhookSender({ lookup: resolverOf({}), maxSockets: 1 });
    closers.push(() => one.close());
    const url = `http://127.0.0.1:${port}/slow`;
    const send = (startBy?: number) =>
      one.send({ url, mode: "test", headers: {}, body: "{}", timeoutMs: 500, startBy });
    const queued = await Promise.all([send(Date.now() + 5_000), send(Date.now() + 5_000)]);
    expect(queued.map((r) => r.status)).toEqual([204, 204]);
    expect(queued[1]?.durationMs).toBeLessThan(450);
    // A request that cannot get the connection in time is never sent, and says so.
    received = 0;
    const [first, late] = await Promise.all([send(Date.now() + 5_000), send(Date.now() + 100)]);
    expect(first?.status).toBe(204);
    expect(late).toMatchObject({ status: null, notSent: true });
    await new Promise((resolve) => setTimeout(resolve, 400));
    expect(received).toBe(1);
  });
});
