import { readFile } from "node:fs/promises";
import { describe, expect, it } from "vitest";
import { GET as docsRoute } from "@/app/docs/api/route";
import { GET as sdkReadme } from "@/app/docs/sdk/route";
import { exampleEvent } from "@/lib/api/examples";
import { buildOpenApiDocument, problemExample } from "@/lib/api/openapi";
import { apiTags } from "@/lib/api/operation";
import { allOperations } from "@/lib/api/operations";
import { problemSchema } from "@/lib/api/problem";
import { type ErrorCode, errorCodes } from "@/lib/errors";
import { eventSchemas, eventTypes } from "@/lib/events/types";
import { currencies } from "@/lib/money";

// biome-ignore lint/suspicious/noExplicitAny: the document is walked as plain JSON
type Json = any;

const document: Json = JSON.parse(JSON.stringify(buildOpenApiDocument("https://pay.example.org")));
const operationOf = (op: (typeof allOperations)[number]): Json =>
  document.paths[op.path][op.method.toLowerCase()];

/** Resolves a local `$ref` (one level at a time) to what it names. */
function resolve(schema: Json): Json {
  let current = schema;
  while (current?.$ref) {
    const path = (current.$ref as string).replace("#/", "").split("/");
    current = path.reduce((node: Json, key) => node?.[key], document);
  }
  return current;
}

describe("the OpenAPI document", () => {
  it("takes its server from APP_URL", () => {
    expect(document.servers).toEqual([{ url: "https://pay.example.org/api/v1" }]);
  });

  it("gives every success response an example its schema accepts", () => {
    for (const op of allOperations) {
      const where = `${op.method} ${op.path}`;
      expect(op.response.example, where).toBeDefined();
      const parsed = op.response.schema.safeParse(op.response.example);
      expect(parsed.error?.issues ?? [], where).toEqual([]);
      const content = operationOf(op).responses[String(op.response.status)].content;
      expect(content["application/json"].example, where).toEqual(
        JSON.parse(JSON.stringify(op.response.example)),
      );
    }
  });

  it("gives every error response an example per problem code, each a valid problem", () => {
    for (const op of allOperations) {
      for (const [status, response] of Object.entries<Json>(operationOf(op).responses)) {
        if (Number(status) < 400) continue;
        const examples = response.content["application/problem+json"].examples;
        const where = `${op.method} ${op.path} ${status}`;
        expect(Object.keys(examples).length, where).toBeGreaterThan(0);
        for (const [code, reference] of Object.entries<Json>(examples)) {
          const example = resolve(reference);
          expect(errorCodes[code as ErrorCode], where).toBe(Number(status));
          expect(problemSchema.safeParse(example.value).success, where).toBe(true);
          expect(example.value).toEqual(problemExample(code as ErrorCode));
        }
      }
    }
  });

  it("documents Idempotent-Replayed and Original-Request-Id on a POST's answers, refusals included", () => {
    for (const op of allOperations.filter((o) => o.method === "POST")) {
      for (const [status, response] of Object.entries<Json>(operationOf(op).responses)) {
        const where = `${op.method} ${op.path} ${status}`;
        expect(Object.keys(response.headers), where).toEqual(
          expect.arrayContaining(["Request-Id", "Idempotent-Replayed", "Original-Request-Id"]),
        );
      }
    }
  });

  it("describes every tag", () => {
    expect(document.tags.length).toBeGreaterThan(0);
    for (const tag of document.tags) {
      expect(tag.description, tag.name).toBe(apiTags[tag.name]);
      expect(tag.description, tag.name).toBeTruthy();
    }
  });

  it("documents limit as an integer from 1 to 100 on every list", () => {
    const lists = allOperations.filter((o) => o.method === "GET" && o.query);
    for (const op of lists) {
      const limit = operationOf(op).parameters.find((p: Json) => p.name === "limit");
      if (op.path === "/methods") continue;
      expect(limit?.schema, `${op.path}`).toMatchObject({
        type: "integer",
        minimum: 1,
        maximum: 100,
      });
    }
  });

  it("bounds request amounts exactly as the server does, and response amounts at zero", () => {
    const requestAmount = resolve(document.components.schemas.CreatePayout).properties.amount;
    expect(requestAmount.anyOf).toEqual([
      { type: "integer", minimum: 1, maximum: 1_000_000_000_000_000 },
      { type: "string", pattern: "^0*(?:[1-9][0-9]{0,14}|1000000000000000)$" },
    ]);
    const item = resolve(document.components.schemas.CreateBatchItem).properties.amount;
    expect(item.anyOf).toEqual(requestAmount.anyOf);
    for (const [schema, field] of [
      ["Payout", "amount"],
      ["Batch", "total_amount"],
      ["Balance", "available"],
      ["Transfer", "amount"],
    ]) {
      const amount = document.components.schemas[schema as string].properties[field as string];
      expect(amount, `${schema}.${field}`).toMatchObject({ type: "integer", minimum: 0 });
    }
  });

  it("uses the request's enums in responses: currency, method, event types, allowed methods", () => {
    const schemas = document.components.schemas;
    for (const name of ["Payout", "Batch", "Balance", "Transfer", "PayoutMethodList"]) {
      expect(schemas[name].properties.currency.enum, name).toEqual(currencies);
    }
    const methodIds = resolve(schemas.CreateBatch).properties.allowed_methods.items.enum;
    expect(methodIds.length).toBeGreaterThan(5);
    expect(schemas.Payout.properties.method.anyOf[0].enum).toEqual(methodIds);
    expect(schemas.Batch.properties.allowed_methods.anyOf[0].items.enum).toEqual(methodIds);
    const subscribable = resolve(schemas.CreateWebhookEndpoint).properties.event_types.items.enum;
    expect(schemas.WebhookEndpoint.properties.event_types.items.enum).toEqual(subscribable);
    expect(schemas.Event.properties.type.enum).toEqual(eventTypes);
  });

  it("types every event type's payload in the webhooks section, with an example it accepts", () => {
    expect(Object.keys(document.webhooks).sort()).toEqual([...eventTypes].sort());
    for (const type of eventTypes) {
      const post = document.webhooks[type].post;
      const payload = resolve(post.requestBody.content["application/json"].schema);
      expect(payload.properties.type, type).toEqual({ type: "string", const: type });
      expect(Object.keys(payload.properties.data.properties).sort(), type).toEqual(
        Object.keys(eventSchemas[type].shape).sort(),
      );
      const example = post.requestBody.content["application/json"].example;
      expect(example, type).toEqual(JSON.parse(JSON.stringify(exampleEvent(type))));
      expect(eventSchemas[type].safeParse(example.data).success, type).toBe(true);
      expect(post.parameters.map((p: Json) => p.name)).toEqual([
        "webhook-id",
        "webhook-timestamp",
        "webhook-signature",
      ]);
    }
  });

  it("is the document the SDK's committed types were generated from (npm run sdk:generate)", async () => {
    const committed = JSON.parse(await readFile("sdk/openapi.json", "utf8"));
    expect(committed).toEqual(
      JSON.parse(JSON.stringify(buildOpenApiDocument("http://localhost:3000"))),
    );
  });

  it("links the TypeScript SDK from the reference page", async () => {
    expect(document.info.description).toContain("https://pay.example.org/docs/sdk");
    const page = await docsRoute(new Request("http://localhost:3000/docs/api"));
    expect(await page.text()).toContain("/api/v1/openapi.json");
    const readme = await sdkReadme();
    expect(readme.status).toBe(200);
    expect(readme.headers.get("content-type")).toBe("text/plain; charset=utf-8");
    expect(await readme.text()).toContain("@disburse/sdk");
  });
});
