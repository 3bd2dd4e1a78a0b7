import { sql } from "drizzle-orm";
import { describe, expect, it } from "vitest";
import { db } from "@/db/client";
import { connectPostgres } from "@/db/connect";
import type { Scope } from "@/db/scope";
import { isAppError } from "@/lib/errors";
import { createTestOrganisation } from "@/tests/fixtures/organisations";
import {
  claimIdempotencyKey,
  completeIdempotencyKeys,
  rememberCompletedResponse,
  requestFingerprint,
} from "./idempotency";

const fingerprint = requestFingerprint("POST", "/api/v1/things", { n: 1 });
const response = { status: 201, body: '{"id":"thing_1"}', headers: {} };

/** What a claim answers within 1 s while another connection holds the key table locked. */
async function claimWhileTableLocked(
  scope: Scope,
  key: string,
  fingerprintOf: string,
): Promise<unknown> {
  const other = connectPostgres(process.env.DATABASE_URL as string, {
    max: 1,
  });
  let outcome: unknown;
  try {
    await other
      .begin(async (tx) => {
        await tx`lock table idempotency_keys in access exclusive mode`;
        outcome = await Promise.race([
          claimIdempotencyKey(db, scope, key, fingerprintOf).catch((error: unknown) => error),
          new Promise((r) => setTimeout(() => r("waited for the table"), 1_000)),
        ]);
        throw new Error("rollback");
      })
      .catch((error: unknown) => {
        if (!(error instanceof Error && error.message === "rollback")) throw error;
      });
  } finally {
    await other.end();
  }
  return outcome;
}

async function freshScope(): Promise<Scope> {
  const { organisation } = await createTestOrganisation(db);
  return { organisationId: organisation.id, mode: "test" };
}

/** A key whose request completed with `response`. */
async function completed(scope: Scope, key: string): Promise<void> {
  const claim = await claimIdempotencyKey(db, scope, key, fingerprint);
  if (claim.kind !== "claimed") throw new Error("expected a claim");
  await completeIdempotencyKeys(db, scope, [{ key, token: claim.token, response }]);
}

describe("claimIdempotencyKey", () => {
  it("answers claims made together one by one: new keys claimed, a completed key replayed, a duplicate in use", async () => {
    const scope = await freshScope();
    await completed(scope, "done");

    const outcomes = await Promise.all(
      // The first goes alone; the rest wait for it and go as one statement.
      ["x", "a", "b", "done", "a", "c"].map((key) =>
        claimIdempotencyKey(db, scope, key, fingerprint).then(
          (claim) => claim.kind,
          (error: unknown) => (isAppError(error, "idempotency_key_in_use") ? "in use" : error),
        ),
      ),
    );
    expect(outcomes).toEqual(["claimed", "claimed", "claimed", "replay", "in use", "claimed"]);
    const reused = await claimIdempotencyKey(db, scope, "done", "POST /other").catch((e) => e);
    expect(isAppError(reused, "idempotency_key_reused")).toBe(true);
  });

  it("replays a response it remembers without the database, and only in its scope", async () => {
    const scope = await freshScope();
    await completed(scope, "k");
    rememberCompletedResponse(scope, "k", fingerprint, response);

    expect(await claimWhileTableLocked(scope, "k", fingerprint)).toEqual({
      kind: "replay",
      response,
    });
    const mismatch = await claimWhileTableLocked(scope, "k", "POST /other");
    expect(isAppError(mismatch, "idempotency_key_reused")).toBe(true);
    const live = await claimIdempotencyKey(db, { ...scope, mode: "live" }, "k", fingerprint);
    expect(live.kind).toBe("claimed");
  });

  it("remembers a replay read from the table only until its key's retention ends", async () => {
    const scope = await freshScope();
    for (const [key, age] of [
      ["young", "1 hour"],
      ["nearly-expired", "71 hours 59 minutes 30 seconds"],
    ] as const) {
      await completed(scope, key);
      await db.execute(
        sql`update idempotency_keys set created_at = now() - ${age}::interval where key = ${key} and organisation_id = ${scope.organisationId}`,
      );
      expect(await claimIdempotencyKey(db, scope, key, fingerprint)).toEqual({
        kind: "replay",
        response,
      });
    }
    expect(await claimWhileTableLocked(scope, "young", fingerprint)).toEqual({
      kind: "replay",
      response,
    });
    expect(await claimWhileTableLocked(scope, "nearly-expired", fingerprint)).toBe(
      "waited for the table",
    );
  });
});
