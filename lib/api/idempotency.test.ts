import { describe, expect, it } from "vitest";
import { db } from "@/db/client";
import { connectPostgres } from "@/db/connect";
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

describe("claimIdempotencyKey", () => {
  it("answers claims made together one by one: new keys claimed, a completed key replayed, a duplicate in use", async () => {
    const { organisation } = await createTestOrganisation(db);
    const scope = { organisationId: organisation.id, mode: "test" as const };
    const done = await claimIdempotencyKey(db, scope, "done", fingerprint);
    if (done.kind !== "claimed") throw new Error("expected a claim");
    await completeIdempotencyKeys(db, scope, [{ key: "done", token: done.token, response }]);

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
    const { organisation } = await createTestOrganisation(db);
    const scope = { organisationId: organisation.id, mode: "test" as const };
    const claim = await claimIdempotencyKey(db, scope, "k", fingerprint);
    if (claim.kind !== "claimed") throw new Error("expected a claim");
    await completeIdempotencyKeys(db, scope, [{ key: "k", token: claim.token, response }]);
    rememberCompletedResponse(scope, "k", fingerprint, response);

    const other = connectPostgres(process.env.DATABASE_URL as string, {
      max: 1,
      onnotice: () => {},
    });
    try {
      await other
        .begin(async (tx) => {
          await tx`lock table idempotency_keys in access exclusive mode`;
          const replay = await Promise.race([
            claimIdempotencyKey(db, scope, "k", fingerprint),
            new Promise((r) => setTimeout(() => r("waited for the table"), 1_000)),
          ]);
          expect(replay).toEqual({ kind: "replay", response });
          const mismatch = await claimIdempotencyKey(db, scope, "k", "POST /other").catch((e) => e);
          expect(isAppError(mismatch, "idempotency_key_reused")).toBe(true);
          throw new Error("rollback");
        })
        .catch((error: unknown) => {
          if (!(error instanceof Error && error.message === "rollback")) throw error;
        });
    } finally {
      await other.end();
    }
    const live = await claimIdempotencyKey(db, { ...scope, mode: "live" }, "k", fingerprint);
    expect(live.kind).toBe("claimed");
  });
});
