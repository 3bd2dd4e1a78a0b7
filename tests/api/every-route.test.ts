import { readdir } from "node:fs/promises";
import path from "node:path";
import { beforeAll, describe, expect, it } from "vitest";
import { db } from "@/db/client";
import type { RouteHandler } from "@/lib/api/handler";
import { allOperations } from "@/lib/api/operations";
import { revokeApiKey } from "@/lib/api-keys/keys";
import { call } from "@/tests/fixtures/api-requests";
import { createTestOrganisation } from "@/tests/fixtures/organisations";

const ROUTES_DIR = path.resolve("app/api/v1");

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
