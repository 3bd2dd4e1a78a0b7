import { createHash, randomUUID } from "node:crypto";
import { and, eq, sql } from "drizzle-orm";
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

type ClaimRow = {
  claimed: boolean;
  fingerprint: string | null;
  status: "in_flight" | "completed" | null;
  response_status: number | null;
  response_body: string | null;
  response_headers: Record<string, string> | null;
  expired: boolean | null;
  stale: boolean | null;
};

const inUse = () =>
  new AppError(
    "idempotency_key_in_use",
    "A request with this Idempotency-Key is still being processed. Retry after it finishes to get its response.",
  );

/**
 * Claims a key for one request, or says what to do instead. The claim commits on its
 * own, before the request's work starts, so a concurrent duplicate sees it and gets 409
 * instead of waiting. The common cases (a new key, a replay) are one statement that
 * takes no row lock, so replays of one key never queue behind each other.
 */
export async function claimIdempotencyKey(
  db: DbOrTx,
  scope: Scope,
  key: string,
  fingerprint: string,
): Promise<IdempotencyClaim> {
  const token = randomUUID();
  const [row] = await db.execute<ClaimRow>(sql`
    with claim as (
      insert into idempotency_keys (organisation_id, mode, key, fingerprint, status, lock_token, locked_at)
      values (${scope.organisationId}, ${scope.mode}, ${key}, ${fingerprint}, 'in_flight', ${token}, now())
      on conflict do nothing
      returning 1
    )
    select true as claimed, null as fingerprint, null as status, null::int as response_status,
           null as response_body, null::jsonb as response_headers, null::boolean as expired,
           null::boolean as stale
      from claim
    union all
    select false, fingerprint, status::text, response_status, response_body, response_headers,
           created_at < now() - make_interval(hours => ${IDEMPOTENCY_RETENTION_HOURS}),
           status = 'in_flight' and locked_at < now() - make_interval(secs => ${IDEMPOTENCY_STALE_SECONDS})
      from idempotency_keys
      where organisation_id = ${scope.organisationId} and mode = ${scope.mode} and key = ${key}
        and not exists (select 1 from claim)
  `);
  if (row?.claimed) return { kind: "claimed", token };
  // No row at all: a concurrent request inserted it after this statement's snapshot.
  if (!row) throw inUse();

  if (row.expired || (row.stale && row.fingerprint === fingerprint)) {
    return takeOver(db, scope, key, fingerprint, token);
  }
  if (row.fingerprint !== fingerprint) {
    throw new AppError(
      "idempotency_key_reused",
      "This Idempotency-Key was already used with a different request (method, path or body). Use a new key for a new request.",
    );
  }
  if (row.status === "in_flight") throw inUse();
  return {
    kind: "replay",
    response: {
      status: row.response_status ?? 200,
      body: row.response_body ?? "",
      headers: row.response_headers ?? {},
    },
  };
}

/** Re-checks the takeover conditions under the row lock: two retries cannot both win. */
async function takeOver(
  db: DbOrTx,
  scope: Scope,
  key: string,
  fingerprint: string,
  token: string,
): Promise<IdempotencyClaim> {
  const taken = await db
    .update(idempotencyKeys)
    .set({
      fingerprint,
      status: "in_flight",
      lockToken: token,
      lockedAt: sql`now()`,
      createdAt: sql`now()`,
      completedAt: null,
      responseStatus: null,
      responseBody: null,
      responseHeaders: null,
    })
    .where(
      and(
        scoped(scope, key),
        sql`(${idempotencyKeys.createdAt} < now() - make_interval(hours => ${IDEMPOTENCY_RETENTION_HOURS})
          or (${idempotencyKeys.status} = 'in_flight'
              and ${idempotencyKeys.fingerprint} = ${fingerprint}
              and ${idempotencyKeys.lockedAt} < now() - make_interval(secs => ${IDEMPOTENCY_STALE_SECONDS})))`,
      ),
    )
    .returning({ key: idempotencyKeys.key });
  if (taken.length === 0) throw inUse();
  return { kind: "claimed", token };
}

/**
 * Stores each request's response on its claimed key, in the request's own transaction,
 * so the response exists exactly when the request's effects committed. A claim that a
 * retry took over (its token changed) refuses the whole call: nothing may commit for it.
 */
export async function completeIdempotencyKeys(
  db: DbOrTx,
  scope: Scope,
  completions: { key: string; token: string; response: StoredResponse }[],
): Promise<void> {
  const rows = completions.map(({ key, token, response }) => ({
    key,
    token,
    status: response.status,
    body: response.body,
    headers: response.headers,
  }));
  const updated = await db.execute<{ key: string }>(sql`
    update ${idempotencyKeys} as k
    set status = 'completed', lock_token = null, completed_at = now(),
        response_status = x.status, response_body = x.body, response_headers = x.headers
    from jsonb_to_recordset(${JSON.stringify(rows)}::jsonb)
      as x(key text, token text, status integer, body text, headers jsonb)
    where k.organisation_id = ${scope.organisationId} and k.mode = ${scope.mode}
      and k.key = x.key and k.status = 'in_flight' and k.lock_token = x.token
    returning k.key`);
  if (updated.length < completions.length) {
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

/**
 * Deletes up to `limit` keys past their retention, oldest first, for the hourly
 * housekeeping function; an expired key is also taken over lazily by
 * `claimIdempotencyKey`, so purging late is harmless.
 */
export async function purgeExpiredIdempotencyKeys(
  db: DbOrTx,
  { now = new Date(), limit = 10_000 }: { now?: Date; limit?: number } = {},
): Promise<number> {
  const cutoff = new Date(now.getTime() - IDEMPOTENCY_RETENTION_HOURS * 3_600_000);
  const deleted = await db.execute<{ n: number }>(sql`
    with doomed as (
      select ctid from ${idempotencyKeys}
      where ${idempotencyKeys.createdAt} < ${cutoff.toISOString()}::timestamptz
      order by ${idempotencyKeys.createdAt}
      limit ${limit}
    ), gone as (
      delete from ${idempotencyKeys} where ctid in (select ctid from doomed) returning 1
    )
    select count(*)::int as n from gone`);
  return deleted[0]?.n ?? 0;
}
