import { beforeAll, describe, expect, it } from "vitest";
import { GET as getOne, PATCH } from "@/app/api/v1/recipients/[id]/route";
import { GET as list, POST } from "@/app/api/v1/recipients/route";
import { db } from "@/db/client";
import { call } from "@/tests/fixtures/api-requests";
import { createTestOrganisation, type TestOrganisation } from "@/tests/fixtures/organisations";

let acme: TestOrganisation;
let rival: TestOrganisation;

beforeAll(async () => {
  acme = await createTestOrganisation(db, "Acme");
  rival = await createTestOrganisation(db, "Rival");
});

const ada = { email: "ada@example.com", name: "Ada Lovelace", country: "KE", external_id: "u1" };

describe("POST /v1/recipients", () => {
  it("creates a recipient in the key's mode", async () => {
    const res = await call(POST, "POST", "/recipients", { key: acme.testKey, body: ada });
    expect(res.status).toBe(201);
    expect(res.body).toMatchObject({
      object: "recipient",
      livemode: false,
      email: "ada@example.com",
      external_id: "u1",
      country: "KE",
    });
    expect(res.body.id).toMatch(/^rcp_/);
    expect(res.headers.get("request-id")).toMatch(/^req_/);
  });

  it("refuses a second recipient with the same external_id in the same mode", async () => {
    const res = await call(POST, "POST", "/recipients", {
      key: acme.testKey,
      body: { ...ada, email: "other@example.com" },
    });
    expect(res.status).toBe(409);
    expect(res.headers.get("content-type")).toBe("application/problem+json");
    expect(res.body).toMatchObject({
      code: "conflict",
      type: "https://disburse.dev/problems/conflict",
      errors: [{ path: "external_id", message: "already used by another recipient" }],
    });
  });

  it("allows the same external_id in live mode and in another organisation", async () => {
    const live = await call(POST, "POST", "/recipients", { key: acme.liveKey, body: ada });
    expect(live.status).toBe(201);
    expect(live.body.livemode).toBe(true);
    const other = await call(POST, "POST", "/recipients", { key: rival.testKey, body: ada });
    expect(other.status).toBe(201);
  });

  it("names every invalid field", async () => {
    const res = await call(POST, "POST", "/recipients", {
      key: acme.testKey,
      body: { email: "not-an-email", country: "kenya", nickname: "x" },
    });
    expect(res.status).toBe(422);
    expect(res.body.code).toBe("validation_failed");
    expect(res.body.errors).toEqual(
      expect.arrayContaining([
        { path: "email", message: "expected an email address" },
        {
          path: "country",
          message: "expected an ISO 3166-1 alpha-2 country code in capitals, such as US",
        },
        { path: "", message: "unknown field: nickname" },
      ]),
    );
  });

  it("takes an optional locale in a language the claim speaks, stored in canonical form", async () => {
    const res = await call(POST, "POST", "/recipients", {
      key: acme.testKey,
      body: { email: "elodie@example.com", country: "CA", locale: "fr-ca" },
    });
    expect(res.status).toBe(201);
    expect(res.body).toMatchObject({ country: "CA", locale: "fr-CA" });
    const plain = await call(POST, "POST", "/recipients", {
      key: acme.testKey,
      body: { email: "plain@example.com", country: "CA" },
    });
    expect(plain.body).toMatchObject({ locale: null });
    for (const locale of ["ja-JP", "not a locale", ""]) {
      const refused = await call(POST, "POST", "/recipients", {
        key: acme.testKey,
        body: { email: "x@example.com", country: "CA", locale },
      });
      expect(refused.status).toBe(422);
      expect(refused.body.errors).toEqual([
        {
          path: "locale",
          message:
            "expected a BCP 47 locale in a language the claim speaks (en, es, fr, de, pt-BR, hi), such as es-US or fr-CA",
        },
      ]);
    }
    const id = res.body.id as string;
    const cleared = await call(PATCH, "PATCH", `/recipients/${id}`, {
      key: acme.testKey,
      params: { id },
      body: { locale: null },
    });
    expect(cleared.body).toMatchObject({ locale: null });
  });

  it("says which field is missing", async () => {
    const res = await call(POST, "POST", "/recipients", { key: acme.testKey, body: {} });
    expect(res.status).toBe(422);
    expect(res.body.errors).toEqual([
      { path: "email", message: "is required" },
      { path: "country", message: "is required" },
    ]);
  });

  it("refuses a body that is not JSON", async () => {
    const res = await call(POST, "POST", "/recipients", {
      key: acme.testKey,
      rawBody: "{oops",
      headers: { "content-type": "application/json" },
    });
    expect(res.status).toBe(400);
    expect(res.body.code).toBe("invalid_request");
  });
});

describe("GET /v1/recipients/:id", () => {
  it("returns the recipient to its own organisation and mode only", async () => {
    const created = await call(POST, "POST", "/recipients", {
      key: acme.testKey,
      body: { email: "grace@example.com", country: "US" },
    });
    const id = created.body.id as string;
    const own = await call(getOne, "GET", `/recipients/${id}`, {
      key: acme.testKey,
      params: { id },
    });
    expect(own.status).toBe(200);
    expect(own.body.email).toBe("grace@example.com");

    for (const key of [acme.liveKey, rival.testKey, rival.liveKey]) {
      const res = await call(getOne, "GET", `/recipients/${id}`, { key, params: { id } });
      expect(res.status).toBe(404);
      expect(res.body.code).toBe("not_found");
      expect(JSON.stringify(res.body)).not.toContain("grace");
    }
  });

  it("answers 404 for an id of the wrong shape", async () => {
    const res = await call(getOne, "GET", "/recipients/nope", {
      key: acme.testKey,
      params: { id: "nope" },
    });
    expect(res.status).toBe(404);
  });
});

describe("PATCH /v1/recipients/:id", () => {
  it("updates email, name and country", async () => {
    const created = await call(POST, "POST", "/recipients", {
      key: acme.testKey,
      body: { email: "linus@example.com", name: "Linus", country: "FI" },
    });
    const id = created.body.id as string;
    const res = await call(PATCH, "PATCH", `/recipients/${id}`, {
      key: acme.testKey,
      params: { id },
      body: { email: "linus@kernel.example", name: null, country: "US" },
    });
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({ email: "linus@kernel.example", name: null, country: "US" });
  });

  it("refuses an empty update and another organisation's recipient", async () => {
    const created = await call(POST, "POST", "/recipients", {
      key: acme.testKey,
      body: { email: "ken@example.com", country: "US" },
    });
    const id = created.body.id as string;
    const empty = await call(PATCH, "PATCH", `/recipients/${id}`, {
      key: acme.testKey,
      params: { id },
      body: {},
    });
    expect(empty.status).toBe(422);
    expect(empty.body.errors).toEqual([
      { path: "", message: "expected at least one of email, name or country" },
    ]);
    const foreign = await call(PATCH, "PATCH", `/recipients/${id}`, {
      key: rival.testKey,
      params: { id },
      body: { email: "hijack@example.com" },
    });
    expect(foreign.status).toBe(404);
    const after = await call(getOne, "GET", `/recipients/${id}`, {
      key: acme.testKey,
      params: { id },
    });
    expect(after.body.email).toBe("ken@example.com");
  });
});

describe("GET /v1/recipients", () => {
  it("pages newest first with has_more and starting_after", async () => {
    const org = await createTestOrganisation(db, "Pager");
    const ids: string[] = [];
    for (let i = 0; i < 5; i++) {
      const res = await call(POST, "POST", "/recipients", {
        key: org.testKey,
        body: { email: `p${i}@example.com`, country: "US" },
      });
      ids.push(res.body.id);
    }
    const first = await call(list, "GET", "/recipients", {
      key: org.testKey,
      query: { limit: "2" },
    });
    expect(first.status).toBe(200);
    expect(first.body.object).toBe("list");
    expect(first.body.data.map((r: { id: string }) => r.id)).toEqual([ids[4], ids[3]]);
    expect(first.body.has_more).toBe(true);

    const last = await call(list, "GET", "/recipients", {
      key: org.testKey,
      query: { limit: "3", starting_after: ids[3] as string },
    });
    expect(last.body.data.map((r: { id: string }) => r.id)).toEqual([ids[2], ids[1], ids[0]]);
    expect(last.body.has_more).toBe(false);

    const exact = await call(list, "GET", "/recipients", {
      key: org.testKey,
      query: { limit: "5" },
    });
    expect(exact.body.data).toHaveLength(5);
    expect(exact.body.has_more).toBe(false);

    const live = await call(list, "GET", "/recipients", { key: org.liveKey });
    expect(live.body.data).toEqual([]);
  });

  it("refuses limits outside 1..100", async () => {
    for (const limit of ["0", "101", "ten", "-1"]) {
      const res = await call(list, "GET", "/recipients", { key: acme.testKey, query: { limit } });
      expect(res.status).toBe(422);
      expect(res.body.errors[0].path).toBe("limit");
    }
    const max = await call(list, "GET", "/recipients", {
      key: acme.testKey,
      query: { limit: "100" },
    });
    expect(max.status).toBe(200);
  });

  it("filters by external_id", async () => {
    const res = await call(list, "GET", "/recipients", {
      key: acme.testKey,
      query: { external_id: "u1" },
    });
    expect(res.body.data).toHaveLength(1);
    expect(res.body.data[0].email).toBe("ada@example.com");
  });
});
