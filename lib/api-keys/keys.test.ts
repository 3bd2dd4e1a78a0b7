import { eq } from "drizzle-orm";
import { describe, expect, it } from "vitest";
import { db } from "@/db/client";
import { apiKeys } from "@/db/schema";
import { isAppError } from "@/lib/errors";
import { createTestOrganisation } from "@/tests/fixtures/organisations";
import { authenticateApiKey, createApiKey, hashApiKey, listApiKeys, revokeApiKey } from "./keys";

describe("API keys", () => {
  it("returns the secret once and stores only its hash and a short prefix", async () => {
    const { organisation } = await createTestOrganisation(db);
    const { apiKey, secret } = await createApiKey(db, {
      organisationId: organisation.id,
      mode: "live",
      name: "server",
    });
    expect(secret).toMatch(/^sk_live_[0-9A-Za-z]{40}$/);
    const [row] = await db.select().from(apiKeys).where(eq(apiKeys.id, apiKey.id));
    expect(row?.hash).toBe(hashApiKey(secret));
    expect(row?.prefix).toBe(`${secret.slice(0, 12)}…`);
    expect(JSON.stringify(row)).not.toContain(secret.slice(12));
  });

  it("authenticates to the key's organisation and mode", async () => {
    const org = await createTestOrganisation(db);
    await expect(authenticateApiKey(db, org.testKey)).resolves.toEqual({
      id: org.testKeyId,
      organisationId: org.organisation.id,
      mode: "test",
    });
    await expect(authenticateApiKey(db, org.liveKey)).resolves.toMatchObject({ mode: "live" });
  });

  it("refuses malformed, unknown and revoked keys alike with unauthenticated", async () => {
    const org = await createTestOrganisation(db);
    await revokeApiKey(db, { organisationId: org.organisation.id }, org.liveKeyId);
    for (const secret of [
      "",
      "sk_test_",
      `sk_prod_${"a".repeat(40)}`,
      `sk_test_${"a".repeat(40)}`,
      org.liveKey,
    ]) {
      const error = await authenticateApiKey(db, secret).catch((e: unknown) => e);
      expect(isAppError(error, "unauthenticated"), secret).toBe(true);
    }
  });

  it("revokes once, keeps the revocation time, and only within the organisation", async () => {
    const org = await createTestOrganisation(db);
    const other = await createTestOrganisation(db);
    const foreign = await revokeApiKey(
      db,
      { organisationId: other.organisation.id },
      org.testKeyId,
    ).catch((e: unknown) => e);
    expect(isAppError(foreign, "not_found")).toBe(true);
    const first = await revokeApiKey(db, { organisationId: org.organisation.id }, org.testKeyId);
    const second = await revokeApiKey(db, { organisationId: org.organisation.id }, org.testKeyId);
    expect(first.revokedAt).toBeInstanceOf(Date);
    expect(second.revokedAt).toEqual(first.revokedAt);
    const listed = await listApiKeys(db, { organisationId: org.organisation.id, mode: "test" });
    expect(listed.map((k) => k.id)).toEqual([org.testKeyId]);
    expect(listed[0]?.revokedAt).toEqual(first.revokedAt);
  });
});
