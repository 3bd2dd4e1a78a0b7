import { Validator } from "@seriousme/openapi-schema-validator";
import { describe, expect, it } from "vitest";
import { GET as openApiRoute } from "@/app/api/v1/openapi.json/route";
import { GET as docsRoute } from "@/app/docs/api/route";
import { buildOpenApiDocument } from "@/lib/api/openapi";
import { allOperations } from "@/lib/api/operations";
import { ROUTE_METHODS } from "@/lib/api/unrouted";
import { apiRouteFiles, routeModule } from "@/tests/fixtures/api-routes";

describe("OpenAPI document", () => {
  it("is a valid OpenAPI 3.1 document", async () => {
    const response = await openApiRoute();
    expect(response.status).toBe(200);
    const document = await response.json();
    expect(document.openapi).toBe("3.1.0");
    const result = await new Validator().validate(document);
    expect(result.errors ?? []).toEqual([]);
    expect(result.valid).toBe(true);
  });

  it("describes exactly the routes that exist", async () => {
    const documented = new Set(allOperations.map((o) => `${o.method} ${o.path}`));
    const served = new Set<string>();
    for (const route of await apiRouteFiles()) {
      if (route.path === "/openapi.json") continue;
      const module = await routeModule(route.file);
      for (const method of ROUTE_METHODS) {
        const handler = module[method];
        if (!handler) continue;
        // Every route file answers every method; the ones it does not serve say 405.
        const url = `http://localhost/api/v1${route.path.replace("{id}", "po_1")}`;
        const res = await handler(new Request(url, { method }), {
          params: Promise.resolve({ id: "po_1" }),
        });
        if (res.status !== 405) served.add(`${method} ${route.path}`);
      }
    }
    expect([...served].sort()).toEqual([...documented].sort());
  });

  it("gives every operation problem responses, a curl sample and an idempotency header on POST", () => {
    const document = buildOpenApiDocument("https://pay.example.com");
    for (const operation of allOperations) {
      const entry = document.paths?.[operation.path]?.[operation.method.toLowerCase() as "get"];
      expect(entry, `${operation.method} ${operation.path}`).toBeDefined();
      expect(entry?.responses?.["401"]).toBeDefined();
      expect(entry?.responses?.["429"]).toBeDefined();
      const samples = (entry as { "x-codeSamples": { source: string }[] })["x-codeSamples"];
      expect(samples[0]?.source).toContain(
        `curl -X ${operation.method} "https://pay.example.com/api/v1`,
      );
      if (operation.method === "POST") {
        const header = entry?.parameters?.find(
          (p) => "name" in p && p.name === "Idempotency-Key",
        ) as { required?: boolean } | undefined;
        expect(header).toBeDefined();
        expect(header?.required ?? false).toBe(operation.idempotency === "required");
      }
    }
  });

  it("documents problem codes with their type URIs", () => {
    const document = buildOpenApiDocument("https://pay.example.com");
    const problem = document.components?.schemas?.Problem as {
      properties: Record<string, unknown>;
    };
    expect(Object.keys(problem.properties)).toEqual(
      expect.arrayContaining(["type", "title", "status", "detail", "code", "errors", "request_id"]),
    );
  });
});

describe("API reference page", () => {
  it("renders the Scalar reference for the generated document", async () => {
    const response = await docsRoute(new Request("http://localhost:3000/docs/api"));
    expect(response.status).toBe(200);
    const html = await response.text();
    expect(html).toContain("/api/v1/openapi.json");
  });
});
