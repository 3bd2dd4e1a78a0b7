import { createHash, randomUUID } from "node:crypto";
import { and, eq, sql } from "drizzle-orm";
import type { DbOrTx } from "@/db/client";
import { idempotencyKeys } from "@/db/schema";
import { type Scope, tenantWhere } from "@/db/scope";
import { boundedCache } from "@/lib/bounded-cache";
import { AppError } from "@/lib/errors";
import { type Coalescer, coalescer } from "./coalesce";

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
  return and(tenantWhere(idempotencyKeys, scope), eq(idempotencyKeys.key, key));
}

type ClaimRow = {
  claimed: boolean;
  fingerprint: string | null;
  status: "in_flight" | "completed" | null;
  response_status: number | null;
  response_body: string | null;
  response_headers: Record<string, string> | null;
  created_ms: number | null;
  expired: boolean | null;
  stale: boolean | null;
};

type ClaimRequest = { scope: Scope; key: string; fingerprint: string; token: string };

const inUse = () =>
  new AppError(
    "idempotency_key_in_use",
    "A request with this Idempotency-Key is still being processed. Retry after it finishes to get its response.",
  );

/**
 * Completed responses this process has stored or replayed. A completed key never changes
 * until its retention ends, so a replay found here needs no database at all; an entry
 * lives ten minutes at most and never past its key's retention. A 10,000-item batch's
 * response is megabytes: responses over 64 KB are left to the table.
 */
const completed = boundedCache<{ fingerprint: string; response: StoredResponse }>({
  maxEntries: 10_000,
  weigh: ({ response }) => response.body.length,
  maxWeight: 16 * 1024 * 1024,
});
const REMEMBER_MS = 10 * 60_000;
const REMEMBER_MAX_BODY = 64 * 1024;

const completedKey = (scope: Scope, key: string) =>
  `${scope.organisationId}\u0000${scope.mode}\u0000${key}`;

/** Call once the response's transaction has committed, never before. */
export function rememberCompletedResponse(
  scope: Scope,
  key: string,
  fingerprint: string,
  response: StoredResponse,
  createdAt = Date.now(),
): void {
  if (response.body.length > REMEMBER_MAX_BODY) return;
  const retentionEnds = createdAt + IDEMPOTENCY_RETENTION_HOURS * 3_600_000 - 60_000;
  const expiresAt = Math.min(Date.now() + REMEMBER_MS, retentionEnds);
  completed.set(completedKey(scope, key), { fingerprint, response }, expiresAt);
}

const reused = () =>
  new AppError(
    "idempotency_key_reused",
    "This Idempotency-Key was already used with a different request (method, path or body). Use a new key for a new request.",
  );

/**
 * Claims a key for one request, or says what to do instead. The claim commits on its
 * own, before the request's work starts, so a concurrent duplicate sees it and gets 409
 * instead of waiting. Claims made while another is on its way to the database go
 * together as one statement; the common cases (a new key, a replay) take no row lock, so
 * replays of one key never queue behind each other.
 */
export async function claimIdempotencyKey(
  db: DbOrTx,
  scope: Scope,
  key: string,
  fingerprint: string,
): Promise<IdempotencyClaim> {
  const known = completed.get(completedKey(scope, key));
  if (known) {
    if (known.fingerprint !== fingerprint) throw reused();
    return { kind: "replay", response: known.response };
  }
  const request = { scope, key, fingerprint, token: randomUUID() };
  const row = await claimsOf(db)("claims", request);
  if (row?.claimed) return { kind: "claimed", token: request.token };
  // No row at all: a concurrent request inserted it after this statement's snapshot.
  if (!row) throw inUse();

  if (row.expired || (row.stale && row.fingerprint === fingerprint)) {
    return takeOver(db, scope, key, fingerprint, request.token);
  }
  if (row.fingerprint !== fingerprint) throw reused();
  if (row.status === "in_flight") throw inUse();
  const response = {
    status: row.response_status ?? 200,
    body: row.response_body ?? "",
    headers: row.response_headers ?? {},
  };
  if (row.created_ms !== null) {
    rememberCompletedResponse(scope, key, fingerprint, response, row.created_ms);
  }
  return { kind: "replay", response };
}

const batchers = new WeakMap<DbOrTx, Coalescer<ClaimRequest, ClaimRow | undefined>>();

function claimsOf(db: DbOrTx): Coalescer<ClaimRequest, ClaimRow | undefined> {
  let batcher = batchers.get(db);
  if (!batcher) {
    batcher = coalescer({
      maxGroup: 100,
      group: (requests) => claimAll(db, requests),
      alone: async (request) => (await claimAll(db, [request]))[0],
    });
    batchers.set(db, batcher);
  }
  return batcher;
}

/**
 * One statement for many claims, each answered by its own token: a key twice in one
 * batch is claimed once, and the other copy finds no row it can see, so it is in use.
 */
async function claimAll(db: DbOrTx, requests: ClaimRequest[]): Promise<(ClaimRow | undefined)[]> {
  const input = requests.map(({ scope, key, fingerprint, token }, i) => ({
    i,
    organisation_id: scope.organisationId,
    mode: scope.mode,
    key,
    fingerprint,
    token,
  }));
  const rows = await db.execute<ClaimRow & { i: number }>(sql`
    with input as (
      select * from jsonb_to_recordset(${JSON.stringify(input)}::jsonb)
        as x(i int, organisation_id text, mode mode, key text, fingerprint text, token text)
    ), claim as (
      insert into idempotency_keys (organisation_id, mode, key, fingerprint, status, lock_token, locked_at)
      select organisation_id, mode, key, fingerprint, 'in_flight', token, now() from input
      on conflict do nothing
      returning lock_token
    )
    select input.i, claim.lock_token is not null as claimed, k.fingerprint, k.status::text,
           k.response_status, k.response_body, k.response_headers,
           (extract(epoch from k.created_at) * 1000)::float8 as created_ms,
           k.created_at < now() - make_interval(hours => ${IDEMPOTENCY_RETENTION_HOURS}) as expired,
           k.status = 'in_flight' and k.locked_at < now() - make_interval(secs => ${IDEMPOTENCY_STALE_SECONDS}) as stale
      from input
      left join claim on claim.lock_token = input.token
      left join idempotency_keys k
        on claim.lock_token is null and k.organisation_id = input.organisation_id
       and k.mode = input.mode and k.key = input.key
  `);
  const byIndex: (ClaimRow | undefined)[] = new Array(requests.length);
  for (const { i, ...row } of rows) {
    byIndex[i] = row.claimed || row.fingerprint !== null ? row : undefined;
  }
  return byIndex;
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
