import { and, count, eq } from "drizzle-orm";
import { beforeAll, describe, expect, it } from "vitest";
import { PATCH } from "@/app/api/v1/webhook_endpoints/[id]/route";
import { POST } from "@/app/api/v1/webhook_endpoints/route";
import { db } from "@/db/client";
import { webhookEndpoints } from "@/db/schema";
import { call } from "@/tests/fixtures/api-requests";
import { createTestOrganisation, type TestOrganisation } from "@/tests/fixtures/organisations";

process.env.AUTH_SECRET ??= "test-secret-for-sealing-webhook-secrets-0000";

let acme: TestOrganisation;
beforeAll(async () => {
  acme = await createTestOrganisation(db, "Acme");
});

/** Internal and link-local targets, as written and in the disguises URL parsers accept. */
const INTERNAL_URLS = [
  "https://127.0.0.1/hooks",
  "https://localhost/hooks",
  "https://api.localhost/hooks",
  "https://10.0.0.5/hooks",
  "https://172.16.3.4/hooks",
  "https://192.168.1.10/hooks",
  "https://169.254.169.254/latest/meta-data/",
  "https://[fd00:ec2::254]/latest/meta-data/",
  "https://metadata.google.internal/computeMetadata/v1/",
  "https://100.64.0.1/hooks",
  "https://[::1]/hooks",
  "https://[fe80::1]/hooks",
  "https://[fc00::1]/hooks",
  "https://224.0.0.251/hooks",
  "https://0.0.0.0/hooks",
  "https://[::]/hooks",
  "https://255.255.255.255/hooks",
  "https://[::ffff:127.0.0.1]/hooks",
  "https://[::ffff:169.254.169.254]/hooks",
  "https://2130706433/hooks",
  "https://0x7f.0.0.1/hooks",
];

const create = (key: string, url: string) =>
  call(POST, "POST", "/webhook_endpoints", { key, body: { url } });
const patch = (key: string, id: string, url: string) =>
  call(PATCH, "PATCH", `/webhook_endpoints/${id}`, { key, params: { id }, body: { url } });

async function endpointCount(organisationId: string) {
  const [row] = await db
    .select({ n: count() })
    .from(webhookEndpoints)
    .where(eq(webhookEndpoints.organisationId, organisationId));
  return row?.n ?? 0;
}

describe("webhook URLs that reach internal addresses (SSRF)", () => {
  it("refuses every internal or link-local URL in live mode, naming the reason, and writes nothing", async () => {
    const before = await endpointCount(acme.organisation.id);
    for (const url of INTERNAL_URLS) {
      const response = await create(acme.liveKey, url);
      expect(response.status, url).toBe(422);
      expect(response.headers.get("content-type")).toContain("application/problem+json");
      expect(response.body.detail, url).toMatch(/may not point at internal addresses/);
      expect(response.body.errors, url).toEqual([
        { path: "url", message: expect.stringMatching(/^the host is or resolves to an? /) },
      ]);
    }
    expect(await endpointCount(acme.organisation.id)).toBe(before);
    const metadata = await create(acme.liveKey, "https://169.254.169.254/latest/meta-data/");
    expect(metadata.body.errors[0].message).toBe(
      "the host is or resolves to a cloud metadata address",
    );
    const rfc1918 = await create(acme.liveKey, "https://10.0.0.5/hooks");
    expect(rfc1918.body.errors[0].message).toBe(
      "the host is or resolves to a private address (RFC 1918)",
    );
  });

  it("refuses the same URLs when an endpoint's URL is changed", async () => {
    const created = await create(acme.liveKey, "https://hooks.example.com/disburse");
    expect(created.status).toBe(201);
    for (const url of INTERNAL_URLS) {
      const response = await patch(acme.liveKey, created.body.id, url);
      expect(response.status, url).toBe(422);
      expect(response.body.errors[0].path).toBe("url");
    }
    const [row] = await db
      .select({ url: webhookEndpoints.url })
      .from(webhookEndpoints)
      .where(
        and(
          eq(webhookEndpoints.id, created.body.id),
          eq(webhookEndpoints.organisationId, acme.organisation.id),
        ),
      );
    expect(row?.url).toBe("https://hooks.example.com/disburse");
  });

  it("lets test mode reach loopback, for local receivers, but nothing else internal", async () => {
    expect((await create(acme.testKey, "http://127.0.0.1:4000/hooks")).status).toBe(201);
    expect((await create(acme.testKey, "http://localhost:4000/hooks")).status).toBe(201);
    for (const url of [
      "http://169.254.169.254/latest/meta-data/",
      "http://metadata.google.internal/computeMetadata/v1/",
      "http://[fd00:ec2::254]/",
      "http://10.0.0.5/hooks",
      "http://[fe80::1]/hooks",
    ]) {
      const response = await create(acme.testKey, url);
      expect(response.status, url).toBe(422);
      expect(response.body.detail).toContain("test mode allows loopback only");
    }
  });
});
