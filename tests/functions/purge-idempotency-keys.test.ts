import { InngestTestEngine } from "@inngest/test";
import { and, eq } from "drizzle-orm";
import { describe, expect, it } from "vitest";
import { db } from "@/db/client";
import { idempotencyKeys } from "@/db/schema";
import { purgeIdempotencyKeys } from "@/inngest/functions/purge-idempotency-keys";
import { createTestOrganisation } from "@/tests/fixtures/organisations";

const HOUR = 3_600_000;

describe("purge-idempotency-keys", () => {
  it("deletes keys older than 72 hours and keeps every younger one", async () => {
    const { organisation } = await createTestOrganisation(db, "Purge");
    const key = (name: string, ageHours: number) => ({
      organisationId: organisation.id,
      mode: "test" as const,
      key: name,
      fingerprint: "POST /v1/payouts x",
      status: "completed" as const,
      createdAt: new Date(Date.now() - ageHours * HOUR),
    });
    await db
      .insert(idempotencyKeys)
      .values([key("fresh", 1), key("almost", 71), key("old-a", 73), key("old-b", 200)]);

    const { result } = await new InngestTestEngine({ function: purgeIdempotencyKeys }).execute();

    expect(result).toEqual({ purged: 2 });
    const left = await db
      .select({ key: idempotencyKeys.key })
      .from(idempotencyKeys)
      .where(
        and(eq(idempotencyKeys.organisationId, organisation.id), eq(idempotencyKeys.mode, "test")),
      );
    expect(left.map((row) => row.key).sort()).toEqual(["almost", "fresh"]);
  });
});
