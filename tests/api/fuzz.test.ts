import path from "node:path";
import { sql } from "drizzle-orm";
import fc from "fast-check";
import { beforeAll, describe, expect, it } from "vitest";
import { db } from "@/db/client";
import type { RouteHandler } from "@/lib/api/handler";
import { buildOpenApiDocument } from "@/lib/api/openapi";
import { allOperations } from "@/lib/api/operations";
import { call } from "@/tests/fixtures/api-requests";
import { ROUTES_DIR } from "@/tests/fixtures/api-routes";
import { createTestOrganisation, type TestOrganisation } from "@/tests/fixtures/organisations";

process.env.AUTH_SECRET ??= "test-secret-for-sealing-webhook-secrets-0000";

// biome-ignore lint/suspicious/noExplicitAny: JSON Schema is walked as plain JSON
type Schema = any;

const document: Schema = JSON.parse(JSON.stringify(buildOpenApiDocument("http://localhost")));

function resolve(schema: Schema): Schema {
  let current = schema;
  while (current?.$ref) {
    const keys = (current.$ref as string).replace("#/", "").split("/");
    current = keys.reduce((node: Schema, key) => node?.[key], document);
  }
  return current;
}

/** Strings an attacker or a careless client sends: the corpus and its relatives. */
const hostileStrings = [
  "",
  " ",
  "\u0000",
  "a\u0000b",
  "\ud800",
  "x\udfffy",
  "\ud83d",
  "a\r\nb",
  "line\nbreak",
  "\u2028",
  "\u001b[31m",
  "%C0%AE",
  "bat_%ZZ",
  "../../etc/passwd",
  "'; drop table payouts; --",
  "x".repeat(5_000),
  "😀".repeat(3),
  "http://localhost:9/a\r\nX-Injected: 1",
  "https://[::1]:0/",
  "9007199254740993",
  "1e400",
  "-1",
];

const hostileNumbers = [0, -1, 1.5, 2 ** 53 + 2, 1e20, 1e300, -0, Number.MAX_VALUE];

const anyString = fc.oneof(
  fc.constantFrom(...hostileStrings),
  fc.string({ unit: "binary", maxLength: 30 }),
  fc.string({ maxLength: 30 }),
);

/**
 * Values shaped by a JSON Schema from the document, often valid and often not: every
 * property may be dropped, mistyped or filled from the hostile corpus, and extra
 * properties appear. The point is to reach deep into each handler, not to stay valid.
 */
function arbitraryFor(raw: Schema, depth = 0): fc.Arbitrary<unknown> {
  const schema = resolve(raw) ?? {};
  const wrong = fc.oneof(
    anyString,
    fc.constantFrom(...hostileNumbers),
    fc.constant(null),
    fc.boolean(),
    fc.constant([]),
    fc.constant({}),
  );
  if (depth > 4) return wrong;
  const options = schema.anyOf ?? schema.oneOf;
  if (options) return fc.oneof(...options.map((o: Schema) => arbitraryFor(o, depth + 1)), wrong);
  if (schema.enum) return fc.oneof(fc.constantFrom(...schema.enum), wrong);
  if (schema.const !== undefined) return fc.oneof(fc.constant(schema.const), wrong);
  const example = schema.example !== undefined ? [fc.constant(schema.example)] : [];
  switch (schema.type) {
    case "object": {
      const properties = Object.entries<Schema>(schema.properties ?? {});
      const known = fc.record(
        Object.fromEntries(properties.map(([name, p]) => [name, arbitraryFor(p, depth + 1)])),
        { requiredKeys: [] },
      );
      const keyed = schema.additionalProperties
        ? fc.dictionary(anyString, arbitraryFor(schema.additionalProperties, depth + 1), {
            maxKeys: 3,
          })
        : fc.constant({});
      return fc.oneof(
        { weight: 4, arbitrary: fc.tuple(known, keyed).map(([a, b]) => ({ ...b, ...a })) },
        {
          weight: 1,
          arbitrary: fc.tuple(known, anyString, wrong).map(([a, k, v]) => ({ ...a, [k]: v })),
        },
        { weight: 1, arbitrary: wrong },
      );
    }
    case "array":
      return fc.oneof(
        {
          weight: 4,
          arbitrary: fc.array(arbitraryFor(schema.items ?? {}, depth + 1), { maxLength: 4 }),
        },
        { weight: 1, arbitrary: wrong },
      );
    case "integer":
      return fc.oneof(
        ...example,
        fc.integer({ min: schema.minimum ?? -10, max: Math.min(schema.maximum ?? 1e6, 1e6) }),
        fc.constantFrom(...hostileNumbers),
        wrong,
      );
    case "number":
      return fc.oneof(fc.double(), fc.constantFrom(...hostileNumbers), wrong);
    case "boolean":
      return fc.oneof(fc.boolean(), wrong);
    case "string":
      return fc.oneof(...example, anyString, wrong);
    default:
      return wrong;
  }
}

/** A query string: each documented parameter maybe, as text, plus sometimes an unknown one. */
function queryFor(parameters: Schema[]): fc.Arbitrary<Record<string, string>> {
  const query = parameters.filter((p) => p.in === "query");
  return fc
    .tuple(
      fc.record(
        Object.fromEntries(
          query.map((p) => [
            p.name,
            arbitraryFor(p.schema).map((v) => (typeof v === "string" ? v : JSON.stringify(v))),
          ]),
        ),
        { requiredKeys: [] },
      ),
      fc.option(fc.tuple(anyString, anyString), { freq: 4 }),
    )
    .map(([known, extra]) => (extra ? { ...known, [extra[0]]: extra[1] } : known)) as fc.Arbitrary<
    Record<string, string>
  >;
}

const idArbitrary = fc.oneof(
  fc.constantFrom(...hostileStrings),
  fc.constantFrom("po_0000000000000000000000000", "we_0000000000000000000000000"),
  fc.stringMatching(/^[a-z]{1,4}_[0-9a-z]{10,40}$/),
);

async function handlerOf(method: string, routePath: string): Promise<RouteHandler> {
  const dir = routePath
    .split("/")
    .filter(Boolean)
    .map((part) => part.replace(/^\{(\w+)\}$/, "[$1]"));
  const module = (await import(path.join(ROUTES_DIR, ...dir, "route.ts"))) as Record<
    string,
    RouteHandler
  >;
  return module[method] as RouteHandler;
}

let org: TestOrganisation;

/** Rows of everything a request could create or change for the organisation. */
async function footprint(organisationId: string) {
  const [row] = await db.execute<Record<string, string>>(sql`
    select
      (select count(*) from recipients where organisation_id = ${organisationId}) as recipients,
      (select count(*) from payouts where organisation_id = ${organisationId}) as payouts,
      (select count(*) from batches where organisation_id = ${organisationId}) as batches,
      (select count(*) from events where organisation_id = ${organisationId}) as events,
      (select count(*) from webhook_endpoints where organisation_id = ${organisationId}) as endpoints,
      (select count(*) from webhook_deliveries where organisation_id = ${organisationId}) as deliveries,
      (select count(*) from ledger_transfers where organisation_id = ${organisationId}) as transfers,
      (select count(*) from payout_transitions t join payouts p on p.id = t.payout_id
         where p.organisation_id = ${organisationId}) as transitions,
      (select coalesce(max(updated_at), 'epoch') from recipients where organisation_id = ${organisationId})::text as recipients_changed,
      (select coalesce(max(updated_at), 'epoch') from payouts where organisation_id = ${organisationId})::text as payouts_changed,
      (select coalesce(max(updated_at), 'epoch') from webhook_endpoints where organisation_id = ${organisationId})::text as endpoints_changed`);
  return row;
}

type Outcome = { status: number; contentType: string | null; wrote: boolean; where: string };

async function send(
  method: string,
  routePath: string,
  input: { params?: Record<string, string>; query?: Record<string, string>; rawBody?: string },
): Promise<Outcome> {
  const handler = await handlerOf(method, routePath);
  const before = await footprint(org.organisation.id);
  // The route takes its id from `params`, as Next hands it over decoded.
  const res = await call(handler, method, routePath.replace("{id}", "id"), {
    key: org.testKey,
    params: input.params,
    query: input.query,
    rawBody: input.rawBody,
    headers: input.rawBody === undefined ? {} : { "content-type": "application/json" },
    idempotencyKey: method === "POST" ? crypto.randomUUID() : undefined,
  });
  const after = await footprint(org.organisation.id);
  return {
    status: res.status,
    contentType: res.headers.get("content-type"),
    wrote: JSON.stringify(before) !== JSON.stringify(after),
    where: `${method} ${routePath} ${JSON.stringify(input).slice(0, 400)}`,
  };
}

function expectRefusedCleanly(outcome: Outcome) {
  expect(outcome.status, outcome.where).toBeGreaterThanOrEqual(400);
  expect(outcome.status, outcome.where).toBeLessThan(500);
  expect(outcome.contentType, outcome.where).toBe("application/problem+json");
  expect(outcome.wrote, outcome.where).toBe(false);
}

beforeAll(async () => {
  org = await createTestOrganisation(db, "Fuzz");
  const deposit = await handlerOf("POST", "/funding/test_deposits");
  await call(deposit, "POST", "/funding/test_deposits", {
    key: org.testKey,
    body: { amount: 10_000_000, currency: "USD" },
  });
});

describe("the malformed-input corpus", () => {
  const recipient = { email: "corpus@example.com", country: "KE" };
  const payout = (extra: object) => ({ recipient, amount: 100, currency: "USD", ...extra });
  const batch = (extra: object, item: object = {}) => ({
    name: "Corpus",
    currency: "USD",
    items: [{ recipient, amount: 100, ...item }],
    ...extra,
  });
  const bad = ["\u0000", "\ud800", "a\udfffb"];
  const cases: [string, string, object][] = [];
  for (const text of bad) {
    cases.push(
      ["POST", "/recipients", { ...recipient, name: `Ada${text}` }],
      ["POST", "/recipients", { ...recipient, email: `a${text}@example.com` }],
      ["POST", "/recipients", { ...recipient, external_id: `ext${text}` }],
      ["POST", "/payouts", payout({ description: `d${text}` })],
      ["POST", "/payouts", payout({ metadata: { [`k${text}`]: "v" } })],
      ["POST", "/payouts", payout({ metadata: { k: `v${text}` } })],
      ["POST", "/payouts", payout({ recipient: { ...recipient, name: `N${text}` } })],
      ["POST", "/payouts", payout({ recipient: { ...recipient, external_id: `e${text}` } })],
      ["POST", "/payouts", { ...payout({}), recipient: undefined, recipient_id: `rcp_${text}` }],
      ["POST", "/batches", batch({ name: `B${text}` })],
      ["POST", "/batches", batch({ message: `M${text}` })],
      ["POST", "/batches", batch({}, { description: `D${text}` })],
      ["POST", "/batches", batch({}, { metadata: { [`k${text}`]: "v" } })],
      ["POST", "/webhook_endpoints", { url: `http://localhost:9/h${text}` }],
      ["POST", "/webhook_endpoints", { url: "http://localhost:9/h", description: `W${text}` }],
    );
  }
  cases.push(
    ["POST", "/webhook_endpoints", { url: "http://localhost:9/a\r\nX-Injected: 1" }],
    ["POST", "/webhook_endpoints", { url: "http://localhost:9/a\nb" }],
    ["POST", "/recipients", { ...recipient, name: "Ada\r\nBcc: victim@example.com" }],
    ["POST", "/payouts", payout({ recipient: { ...recipient, name: "Line\nbreak" } })],
    ["POST", "/batches", batch({ name: "Two\nlines" })],
    ["POST", "/batches", batch({}, { amount: 2 ** 53 + 2 })],
    ["POST", "/batches", batch({}, { amount: 1e20 })],
  );

  it("answers every case with 4xx problem+json and writes nothing", async () => {
    for (const [method, routePath, body] of cases) {
      expectRefusedCleanly(await send(method, routePath, { rawBody: JSON.stringify(body) }));
    }
    // An integer above 2^53 as JSON text, exactly as a client would send it.
    expectRefusedCleanly(
      await send("POST", "/batches", {
        rawBody: `{"name":"Big","currency":"USD","items":[{"recipient":{"email":"b@example.com","country":"KE"},"amount":9007199254740993}]}`,
      }),
    );
  });

  it("answers malformed or hostile path ids with 404, and NUL in a query with 422", async () => {
    for (const id of ["%C0%AE", "bat_%ZZ", "po_%E0%A4", "rcp_\u0000", "po_\ud800abcdefghij"]) {
      for (const [method, routePath] of [
        ["GET", "/payouts/{id}"],
        ["GET", "/batches/{id}"],
        ["GET", "/recipients/{id}"],
        ["POST", "/payouts/{id}/cancel"],
        ["POST", "/events/{id}/replay"],
      ] as const) {
        const outcome = await send(method, routePath, { params: { id } });
        expectRefusedCleanly(outcome);
        expect(outcome.status, outcome.where).toBe(404);
      }
    }
    const query = await send("GET", "/recipients", { query: { external_id: "x\u0000" } });
    expectRefusedCleanly(query);
    expect(query.status).toBe(422);
  });
});

describe("property-based requests over the OpenAPI surface", () => {
  it("never answer 5xx, and a refused request writes nothing", async () => {
    const operations = allOperations.map((op) => ({
      op,
      spec: document.paths[op.path][op.method.toLowerCase()],
    }));
    for (const { op, spec } of operations) {
      const bodySchema = spec.requestBody?.content?.["application/json"]?.schema;
      const request = fc.record({
        params: op.params ? idArbitrary.map((id) => ({ id })) : fc.constant(undefined),
        query: queryFor(spec.parameters ?? []),
        body: bodySchema ? arbitraryFor(bodySchema) : fc.constant(undefined),
      });
      await fc.assert(
        fc.asyncProperty(request, async ({ params, query, body }) => {
          const outcome = await send(op.method, op.path, {
            params,
            query,
            rawBody: body === undefined ? undefined : JSON.stringify(body),
          });
          expect(outcome.status, outcome.where).toBeLessThan(500);
          if (outcome.status >= 400) {
            expect(outcome.contentType, outcome.where).toBe("application/problem+json");
            expect(outcome.wrote, outcome.where).toBe(false);
          }
        }),
        { numRuns: 20, seed: 18 },
      );
    }
  }, 240_000);
});
