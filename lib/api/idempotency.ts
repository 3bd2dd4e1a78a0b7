import { createHash, randomUUID } from "node:crypto";
import { and, eq, lt, sql } from "drizzle-orm";
import type { DbOrTx } from "@/db/client";
import { idempotencyKeys } from "@/db/schema";
import { AppError } from "@/lib/errors";
import type { Scope } from "@/lib/events/outbox";

/** Keys are honoured for at least this long, then purged (and a reuse starts afresh). */
export const IDEMPOTENCY_RETENTION_HOURS = 72;
/**
 * A claim older than this whose request never completed belongs to a crashed or stuck
 * request. Its effects never committed (completion is part of the request's own
 * transaction), so a retry may safely take the key over.
 */
export const IDEMPOTENCY_STALE_SECONDS = 60;

export const IDEMPOTENCY_KEY_PATTERN = /^[\x21-\x7e]{1,255}$/;

export type StoredResponse = { status: number; body: string; headers: Record<string, string> };

export type IdempotencyClaim =
  | { kind: "claimed"; token: string }
  | { kind: "replay"; response: StoredResponse };

/** JSON.stringify visits every object; handing it a key-sorted copy makes the output canonical. */
function sortKeys(_key: string, value: unknown): unknown {
  if (value === null || typeof value !== "object" || Array.isArray(value)) return value;
  const sorted: Record<string, unknown> = {};
  for (const key of Object.keys(value).sort())
    sorted[key] = (value as Record<string, unknown>)[key];
  return sorted;
}

/**
 * What "the same request" means: same method, same path, and the same JSON body up to
 * key order and whitespace (clients re-serialise on retry).
 */
export function requestFingerprint(method: string, path: string, body: unknown): string {
  const digest = createHash("sha256")
    .update(JSON.stringify(body ?? null, sortKeys))
    .digest("hex");
  return `${method} ${path} ${digest}`;
}

function scoped(scope: Scope, key: string) {
  return and(
    eq(idempotencyKeys.organisationId, scope.organisationId),
    eq(idempotencyKeys.mode, scope.mode),
    eq(idempotencyKeys.key, key),
  );
}

/**
 * Claims a key for one request, or says what to do instead. The claim commits on its
 * own, before the request's work starts, so a concurrent duplicate sees it and gets 409
 * instead of waiting. Expired keys, and stale claims for the same request, are taken over.
 */
export async function claimIdempotencyKey(
  db: DbOrTx,
  scope: Scope,
  key: string,
  fingerprint: string,
): Promise<IdempotencyClaim> {
  const token = randomUUID();
  const [claimed] = await db
    .insert(idempotencyKeys)
    .values({
      organisationId: scope.organisationId,
      mode: scope.mode,
      key,
      fingerprint,
      status: "in_flight",
      lockToken: token,
      lockedAt: sql`now()`,
    })
    .onConflictDoUpdate({
      target: [idempotencyKeys.organisationId, idempotencyKeys.mode, idempotencyKeys.key],
      set: {
        fingerprint,
        status: "in_flight",
        lockToken: token,
        lockedAt: sql`now()`,
        createdAt: sql`now()`,
        completedAt: null,
        responseStatus: null,
        responseBody: null,
        responseHeaders: null,
      },
      setWhere: sql`${idempotencyKeys.createdAt} < now() - make_interval(hours => ${IDEMPOTENCY_RETENTION_HOURS})
        or (${idempotencyKeys.status} = 'in_flight'
            and ${idempotencyKeys.fingerprint} = ${fingerprint}
            and ${idempotencyKeys.lockedAt} < now() - make_interval(secs => ${IDEMPOTENCY_STALE_SECONDS}))`,
    })
    .returning({ token: idempotencyKeys.lockToken });
  if (claimed) return { kind: "claimed", token };

  const [existing] = await db.select().from(idempotencyKeys).where(scoped(scope, key));
  if (!existing) {
    // Purged between the two statements: the caller's retry will claim it.
    throw new AppError("idempotency_key_in_use", "The idempotency key changed hands; retry.");
  }
  if (existing.fingerprint !== fingerprint) {
    throw new AppError(
      "idempotency_key_reused",
      "This Idempotency-Key was already used with a different request (method, path or body). Use a new key for a new request.",
    );
  }
  if (existing.status === "in_flight") {
    throw new AppError(
      "idempotency_key_in_use",
      "A request with this Idempotency-Key is still being processed. Retry after it finishes to get its response.",
    );
  }
  return {
    kind: "replay",
    response: {
      status: existing.responseStatus ?? 200,
      body: existing.responseBody ?? "",
      headers: existing.responseHeaders ?? {},
    },
  };
}

/**
 * Stores the response. Called inside the request's own transaction for successes, so
 * the stored response and the effects it reports commit together or not at all. Fails
 * when the claim was taken over (the request outlived the stale limit); the caller's
 * transaction then rolls back and the new owner's effects are the only ones.
 */
export async function completeIdempotencyKey(
  db: DbOrTx,
  scope: Scope,
  key: string,
  token: string,
  response: StoredResponse,
): Promise<void> {
  const updated = await db
    .update(idempotencyKeys)
    .set({
      status: "completed",
      lockToken: null,
      completedAt: sql`now()`,
      responseStatus: response.status,
      responseBody: response.body,
      responseHeaders: response.headers,
    })
    .where(
      and(
        scoped(scope, key),
        eq(idempotencyKeys.status, "in_flight"),
        eq(idempotencyKeys.lockToken, token),
      ),
    )
    .returning({ key: idempotencyKeys.key });
  if (updated.length === 0) {
    throw new AppError(
      "idempotency_key_in_use",
      "This request took too long and its Idempotency-Key was taken over by a retry.",
    );
  }
}

/** Gives the key back after an unexpected failure whose effects rolled back, so a retry runs. */
export async function releaseIdempotencyKey(
  db: DbOrTx,
  scope: Scope,
  key: string,
  token: string,
): Promise<void> {
  await db
    .delete(idempotencyKeys)
    .where(
      and(
        scoped(scope, key),
        eq(idempotencyKeys.status, "in_flight"),
        eq(idempotencyKeys.lockToken, token),
      ),
    );
}

/** For a periodic job; expired keys are also taken over lazily by `claimIdempotencyKey`. */
export async function purgeExpiredIdempotencyKeys(db: DbOrTx, now = new Date()): Promise<number> {
  const cutoff = new Date(now.getTime() - IDEMPOTENCY_RETENTION_HOURS * 3_600_000);
  const deleted = await db
    .delete(idempotencyKeys)
    .where(lt(idempotencyKeys.createdAt, cutoff))
    .returning({ key: idempotencyKeys.key });
  return deleted.length;
}
