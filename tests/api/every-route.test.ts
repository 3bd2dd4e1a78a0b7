import { readdir } from "node:fs/promises";
import path from "node:path";
import { beforeAll, describe, expect, it } from "vitest";
import { db } from "@/db/client";
import type { RouteHandler } from "@/lib/api/handler";
import { allOperations } from "@/lib/api/operations";
import { ROUTE_METHODS } from "@/lib/api/unrouted";
import { revokeApiKey } from "@/lib/api-keys/keys";
import { call } from "@/tests/fixtures/api-requests";
import { apiRouteFiles, ROUTES_DIR, routeModule } from "@/tests/fixtures/api-routes";
import { createTestOrganisation } from "@/tests/fixtures/organisations";

type Endpoint = { method: string; path: string; handler: RouteHandler };

async function endpoints(): Promise<Endpoint[]> {
  const found: Endpoint[] = [];
  for (const operation of allOperations) {
    const dir = operation.path
      .split("/")
      .filter(Boolean)
      .map((part) => part.replace(/^\{(\w+)\}$/, "[$1]"));
    const file = path.join(ROUTES_DIR, ...dir, "route.ts");
    const module = (await import(file)) as Record<string, RouteHandler>;
    const handler = module[operation.method];
    if (handler) found.push({ method: operation.method, path: operation.path, handler });
  }
  return found;
}

let revokedKey: string;
beforeAll(async () => {
  const org = await createTestOrganisation(db, "Revoked");
  await revokeApiKey(db, { organisationId: org.organisation.id }, org.testKeyId);
  revokedKey = org.testKey;
  expect(await readdir(ROUTES_DIR)).toContain("payouts");
});

describe("every API route", () => {
  const cases = [
    { name: "no key", key: null, detail: /No API key/ },
    { name: "malformed key", key: "sk_test_nope", detail: /malformed/ },
    { name: "unknown key", key: `sk_live_${"z".repeat(40)}`, detail: /not recognised/ },
    { name: "revoked key", key: "revoked", detail: /revoked/ },
  ];

  for (const c of cases) {
    it(`answers 401 problem+json with a request id for a ${c.name}`, async () => {
      const all = await endpoints();
      expect(all.length).toBe(allOperations.length);
      for (const endpoint of all) {
        const res = await call(
          endpoint.handler,
          endpoint.method,
          endpoint.path.replace("{id}", "po_0000000000000000000000000"),
          {
            key: c.key === "revoked" ? revokedKey : c.key,
            params: { id: "po_0000000000000000000000000" },
            body: endpoint.method === "GET" || endpoint.method === "DELETE" ? undefined : {},
            idempotencyKey: endpoint.method === "POST" ? "k" : undefined,
          },
        );
        const where = `${endpoint.method} ${endpoint.path}`;
        expect(res.status, where).toBe(401);
        expect(res.headers.get("content-type"), where).toBe("application/problem+json");
        expect(res.headers.get("request-id"), where).toMatch(/^req_/);
        expect(res.body.code, where).toBe("unauthenticated");
        expect(res.body.detail, where).toMatch(c.detail);
      }
    });
  }
});

describe("requests no operation serves", () => {
  it("answer a method a path does not support with 405 problem+json, and OPTIONS, with Allow", async () => {
    const files = await apiRouteFiles();
    expect(files.map((f) => f.path)).toContain("/payouts/{id}/cancel");
    for (const { file, path: routePath } of files) {
      const module = await routeModule(file);
      const served =
        routePath === "/openapi.json"
          ? ["GET"]
          : allOperations.filter((op) => op.path === routePath).map((op) => op.method);
      expect(served.length, routePath).toBeGreaterThan(0);
      const supported = ROUTE_METHODS.filter((method) => served.includes(method));
      const allow = [...supported, ...(served.includes("GET") ? ["HEAD"] : []), "OPTIONS"].join(
        ", ",
      );
      const options = await module.OPTIONS?.(
        new Request(`http://localhost/api/v1${routePath}`, { method: "OPTIONS" }),
      );
      expect(options?.status, `OPTIONS ${routePath}`).toBe(204);
      expect(options?.headers.get("allow"), `OPTIONS ${routePath}`).toBe(allow);
      for (const method of ROUTE_METHODS) {
        const handler = module[method];
        const where = `${method} ${routePath}`;
        expect(handler, where).toBeTypeOf("function");
        if (!handler || served.includes(method)) continue;
        const res = await call(handler, method, routePath.replace("{id}", "po_1"), {
          key: null,
          params: { id: "po_1" },
        });
        expect(res.status, where).toBe(405);
        expect(res.headers.get("content-type"), where).toBe("application/problem+json");
        expect(res.headers.get("allow"), where).toBe(allow);
        expect(res.headers.get("request-id"), where).toMatch(/^req_/);
        expect(res.body.code, where).toBe("method_not_allowed");
        expect(res.body.detail, where).toContain(`supports ${supported.join(", ")}.`);
      }
    }
  });

  it("answer an unknown path with 404 problem+json, naming the resource it most likely meant", async () => {
    const unknown = await routeModule(path.join(ROUTES_DIR, "[[...path]]", "route.ts"));
    const cases = [
      ["GET", "/payout", "There is no endpoint GET /api/v1/payout. Did you mean /api/v1/payouts?"],
      ["POST", "/webhookEndpoints", "Did you mean /api/v1/webhook_endpoints?"],
      ["GET", "/payouts/po_1/refund", "There is no endpoint GET /api/v1/payouts/po_1/refund. The"],
      ["DELETE", "/invoices", "There is no endpoint DELETE /api/v1/invoices. The endpoints"],
      ["OPTIONS", "/invoices", "There is no endpoint OPTIONS /api/v1/invoices."],
    ] as const;
    for (const [method, routePath, detail] of cases) {
      const handler = unknown[method];
      expect(handler, method).toBeTypeOf("function");
      if (!handler) continue;
      const res = await call(handler, method, routePath, { key: null });
      expect(res.status, routePath).toBe(404);
      expect(res.headers.get("content-type"), routePath).toBe("application/problem+json");
      expect(res.headers.get("request-id"), routePath).toMatch(/^req_/);
      expect(res.body.code, routePath).toBe("not_found");
      expect(res.body.detail, routePath).toContain(detail);
    }
  });
});
