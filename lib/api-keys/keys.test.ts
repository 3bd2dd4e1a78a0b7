import { eq } from "drizzle-orm";
import type postgres from "postgres";
import { describe, expect, it, onTestFinished, vi } from "vitest";
import { closeDb, db } from "@/db/client";
import { connectPostgres } from "@/db/connect";
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

  it("serves a remembered key without a lookup, and forgets it when another process revokes or deletes it", async () => {
    const org = await createTestOrganisation(db);
    const other = connectPostgres(process.env.DATABASE_URL as string, {
      max: 1,
    });
    try {
      for (const [secret, id, change] of [
        [org.testKey, org.testKeyId, "update api_keys set revoked_at = now() where id = $1"],
        [org.liveKey, org.liveKeyId, "delete from api_keys where id = $1"],
      ] as const) {
        await until(() => answersWhileTableLocked(other, secret));
        await other.unsafe(change, [id]);
        await until(async () => {
          const error = await authenticateApiKey(db, secret).catch((e: unknown) => e);
          return isAppError(error, "unauthenticated");
        });
      }
    } finally {
      await other.end();
    }
  });

  it("remembers nothing across a database handle closed and opened again", async () => {
    const org = await createTestOrganisation(db);
    const other = connectPostgres(process.env.DATABASE_URL as string, { max: 1 });
    onTestFinished(() => other.end());
    await until(() => answersWhileTableLocked(other, org.testKey));
    // The closed handle's listener is gone, so this revocation reaches no cache.
    await closeDb();
    await other`update api_keys set revoked_at = now() where id = ${org.testKeyId}`;
    const error = await authenticateApiKey(db, org.testKey).catch((e: unknown) => e);
    expect(isAppError(error, "unauthenticated")).toBe(true);
  });

  it("keeps recording when a key was last used while it is served from memory", async () => {
    const org = await createTestOrganisation(db);
    const other = connectPostgres(process.env.DATABASE_URL as string, {
      max: 1,
    });
    onTestFinished(() => other.end());
    await until(() => answersWhileTableLocked(other, org.liveKey));
    const lastUsed = new Date(Date.now() - 55_000);
    await db.update(apiKeys).set({ lastUsedAt: lastUsed }).where(eq(apiKeys.id, org.testKeyId));
    // Used 55 s ago: looked up and remembered without a write, then served from memory.
    await until(() => answersWhileTableLocked(other, org.testKey));

    vi.useFakeTimers({ toFake: ["Date"] });
    onTestFinished(() => {
      vi.useRealTimers();
    });
    vi.setSystemTime(Date.now() + 10_000);
    await authenticateApiKey(db, org.testKey);
    const [row] = await db.select().from(apiKeys).where(eq(apiKeys.id, org.testKeyId));
    expect(row?.lastUsedAt?.getTime()).toBeGreaterThanOrEqual(lastUsed.getTime() + 60_000);
  });
});

/** A lookup would wait for the lock; only a key held in memory answers within 500 ms. */
async function answersWhileTableLocked(other: postgres.Sql, secret: string): Promise<boolean> {
  await authenticateApiKey(db, secret);
  let answered = false;
  await other
    .begin(async (tx) => {
      await tx`lock table api_keys in access exclusive mode`;
      answered = await Promise.race([
        authenticateApiKey(db, secret).then(() => true),
        new Promise<boolean>((r) => setTimeout(() => r(false), 500)),
      ]);
      throw new Error("rollback");
    })
    .catch(() => {});
  return answered;
}

async function until(check: () => Promise<boolean>): Promise<void> {
  const deadline = Date.now() + 5_000;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error("condition not met within 5 s");
    await new Promise((r) => setTimeout(r, 20));
  }
}
