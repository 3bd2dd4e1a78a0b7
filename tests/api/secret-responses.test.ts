import { and, eq } from "drizzle-orm";
import { afterEach, beforeAll, describe, expect, it, vi } from "vitest";
import { POST as rotate } from "@/app/api/v1/webhook_endpoints/[id]/rotate_secret/route";
import { POST as create } from "@/app/api/v1/webhook_endpoints/route";
import { db } from "@/db/client";
import { idempotencyKeys } from "@/db/schema";
import { call } from "@/tests/fixtures/api-requests";
import { createTestOrganisation, type TestOrganisation } from "@/tests/fixtures/organisations";

process.env.AUTH_SECRET ??= "test-secret-for-sealing-webhook-secrets-0000";

let acme: TestOrganisation;

beforeAll(async () => {
  acme = await createTestOrganisation(db, "Acme");
});

afterEach(() => {
  vi.useRealTimers();
});

async function storedBody(key: string): Promise<string> {
  const [row] = await db
    .select({ body: idempotencyKeys.responseBody })
    .from(idempotencyKeys)
    .where(
      and(eq(idempotencyKeys.organisationId, acme.organisation.id), eq(idempotencyKeys.key, key)),
    );
  return row?.body ?? "";
}

/** Past the ten minutes an instance remembers a response: the next replay reads the table. */
function forgetRememberedResponses() {
  vi.useFakeTimers({ toFake: ["Date"], now: Date.now() + 11 * 60_000 });
}

describe("responses that carry a signing secret", () => {
  it("are stored sealed and replay the secret shown the first time", async () => {
    const body = { url: "https://example.com/hooks" };
    const first = await call(create, "POST", "/webhook_endpoints", {
      key: acme.testKey,
      idempotencyKey: "create-hook",
      body,
    });
    expect(first.status).toBe(201);
    const secret = first.body.secret as string;
    expect(secret).toMatch(/^whsec_/);

    const stored = await storedBody("create-hook");
    expect(stored).not.toContain(secret.slice(6));
    expect(stored).not.toContain(first.body.id);

    const fromMemory = await call(create, "POST", "/webhook_endpoints", {
      key: acme.testKey,
      idempotencyKey: "create-hook",
      body,
    });
    forgetRememberedResponses();
    const fromTable = await call(create, "POST", "/webhook_endpoints", {
      key: acme.testKey,
      idempotencyKey: "create-hook",
      body,
    });
    for (const replay of [fromMemory, fromTable]) {
      expect(replay.status).toBe(201);
      expect(replay.headers.get("idempotent-replayed")).toBe("true");
      expect(replay.body).toEqual(first.body);
    }
  });

  it("seal a rotated secret, and a refusal, under their own key", async () => {
    const endpoint = await call(create, "POST", "/webhook_endpoints", {
      key: acme.testKey,
      body: { url: "https://example.com/rotating" },
    });
    const params = { id: endpoint.body.id as string };
    const path = `/webhook_endpoints/${params.id}/rotate_secret`;
    const rotated = await call(rotate, "POST", path, {
      key: acme.testKey,
      idempotencyKey: "rotate-hook",
      params,
    });
    expect(rotated.body.secret).not.toBe(endpoint.body.secret);
    expect(await storedBody("rotate-hook")).not.toContain(rotated.body.secret.slice(6));

    const missing = { id: "whe_doesnotexist" };
    const refused = await call(
      rotate,
      "POST",
      "/webhook_endpoints/whe_doesnotexist/rotate_secret",
      {
        key: acme.testKey,
        idempotencyKey: "rotate-missing",
        params: missing,
      },
    );
    expect(refused.status).toBe(404);

    forgetRememberedResponses();
    const replayed = await call(rotate, "POST", path, {
      key: acme.testKey,
      idempotencyKey: "rotate-hook",
      params,
    });
    expect(replayed.body).toEqual(rotated.body);
    const refusedAgain = await call(
      rotate,
      "POST",
      "/webhook_endpoints/whe_doesnotexist/rotate_secret",
      { key: acme.testKey, idempotencyKey: "rotate-missing", params: missing },
    );
    expect(refusedAgain.status).toBe(404);
    expect(refusedAgain.headers.get("idempotent-replayed")).toBe("true");
    expect(refusedAgain.body.code).toBe(refused.body.code);
  });
});
