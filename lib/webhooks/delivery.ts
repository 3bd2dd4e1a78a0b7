import { and, eq, inArray, isNotNull, isNull, ne, or, sql } from "drizzle-orm";
import type { DbOrTx, Tx } from "@/db/client";
import {
  events,
  webhookAttempts,
  webhookDeliveries,
  webhookEndpointHealth,
  webhookEndpoints,
} from "@/db/schema";
import type { Scope } from "@/db/scope";
import type { EventRow } from "@/lib/events/queries";
import { serializeEvent } from "@/lib/events/serialize";
import { newId } from "@/lib/ids";
import type { WebhookEndpointRow } from "./endpoint-schemas";
import { cancelEndpointBacklog, disableWebhookEndpoint, webhookSigningSecret } from "./endpoints";
import { DISABLE_AFTER_FAILING_MS, nextAttemptAt, parseRetryAfter } from "./schedule";
import { createWebhookSender, type SendResult, type WebhookSender } from "./sender";
import { type WebhookSigner, webhookSigner } from "./signing";

export type DeliveryRow = typeof webhookDeliveries.$inferSelect;
export type AttemptRow = typeof webhookAttempts.$inferSelect;

/** A delivery taken by a sweep, and the number its next attempt will carry. */
export type DueDelivery = { id: string; attemptNumber: number; endpointId?: string };

/** The key of an event's first delivery to an endpoint; a retried relay finds it taken. */
export function deliveryKey(eventId: string, endpointId: string): string {
  return `${eventId}:${endpointId}`;
}

const CHUNK = 2_000;

/**
 * Creates a scheduled delivery for every enabled endpoint of the events' organisation
 * and mode that subscribes to their type (the same rule as `endpointsForEvent`, in one
 * query for a whole relay batch). Safe to repeat: the delivery key is unique.
 */
export async function enqueueWebhookDeliveries(
  db: DbOrTx,
  eventRows: Pick<EventRow, "id" | "organisationId" | "mode" | "type">[],
  now = new Date(),
): Promise<number> {
  if (eventRows.length === 0) return 0;
  // Most tenants have no endpoint: one indexed look first spares the join for them.
  const organisationIds = [...new Set(eventRows.map((e) => e.organisationId))];
  const modes = [...new Set(eventRows.map((e) => e.mode))];
  const [anyEndpoint] = await db
    .select({ id: webhookEndpoints.id })
    .from(webhookEndpoints)
    .where(
      and(
        sql`${webhookEndpoints.organisationId} = any(${sql.param(organisationIds)}::text[])`,
        inArray(webhookEndpoints.mode, modes),
        isNull(webhookEndpoints.disabledAt),
      ),
    )
    .limit(1);
  if (!anyEndpoint) return 0;
  const matches = await db
    .select({
      eventId: events.id,
      organisationId: events.organisationId,
      mode: events.mode,
      endpointId: webhookEndpoints.id,
    })
    .from(events)
    .innerJoin(
      webhookEndpoints,
      and(
        eq(webhookEndpoints.organisationId, events.organisationId),
        eq(webhookEndpoints.mode, events.mode),
        isNull(webhookEndpoints.disabledAt),
        or(
          sql`cardinality(${webhookEndpoints.eventTypes}) = 0`,
          sql`${events.type} = any(${webhookEndpoints.eventTypes})`,
        ),
      ),
    )
    .where(
      and(
        sql`${events.id} = any(${sql.param(eventRows.map((e) => e.id))}::text[])`,
        // A test event goes only to the endpoint it was sent to (lib/webhooks/test-event.ts).
        ne(events.type, "ping"),
      ),
    );
  let created = 0;
  for (let i = 0; i < matches.length; i += CHUNK) {
    const inserted = await db
      .insert(webhookDeliveries)
      .values(
        matches.slice(i, i + CHUNK).map((m) => ({
          id: newId("webhookDelivery"),
          organisationId: m.organisationId,
          mode: m.mode,
          eventId: m.eventId,
          endpointId: m.endpointId,
          idempotencyKey: deliveryKey(m.eventId, m.endpointId),
          nextAttemptAt: now,
          createdAt: now,
          updatedAt: now,
        })),
      )
      .onConflictDoNothing({ target: webhookDeliveries.idempotencyKey })
      .returning({ id: webhookDeliveries.id });
    created += inserted.length;
  }
  return created;
}

/**
 * Deliveries one endpoint has in hand at most (waiting for a connection, being sent, or
 * sent and being logged), across every run and worker: a slow or huge backlog holds this
 * many of its own deliveries, never everyone's turn. Eight times the connections, so the
 * next requests are ready while the last ones are logged and the next claimed (with
 * twice, the connections sat idle during each log and claim: about 0.3× the rate of bare
 * POSTs; with four, a loop still waited for logs to free slots: decision 0015).
 */
export const ENDPOINT_CONCURRENCY = 256;
/** Connections a worker keeps to one host and port: requests on the wire to an endpoint. */
export const ENDPOINT_CONNECTIONS = 32;

/** Serialises claims, so two at once never both fill the same endpoint's free slots. */
const CLAIM_LOCK = sql`select pg_advisory_xact_lock(${0x77_68_6b_63})`;

/**
 * The fair pick, as the CTE `picked(id)`: due deliveries round-robin across endpoints
 * (every endpoint's oldest due delivery first, then every endpoint's second…), each
 * endpoint capped at `cap` deliveries held at once counting those other senders hold.
 * One index range per endpoint (`webhook_deliveries_endpoint_due_idx`), its first `cap`
 * due deliveries: deliveries are taken oldest first, so those an endpoint holds are
 * among them, and the held ones count against the cap. No index covers the hold
 * (`locked_until`), so a take changes no indexed column and PostgreSQL makes it in place
 * (a HOT update) instead of adding an entry to each of the table's indexes. A delivery
 * whose hold lapsed lost its sender: it is due. Claims are serialised (`CLAIM_LOCK`); the
 * claiming UPDATE checks again that each row is still scheduled and free.
 */
function fairPick(now: string, cap: number, limit: number) {
  return sql`
    with head as (
      select d.id, d.endpoint_id, d.next_attempt_at, d.held,
        count(*) filter (where d.held) over (partition by d.endpoint_id) as held_count
      from ${webhookEndpoints} w
      cross join lateral (
        select d.id, d.endpoint_id, d.next_attempt_at,
          coalesce(d.locked_until >= ${now}::timestamptz, false) as held
        from ${webhookDeliveries} d
        where d.endpoint_id = w.id and d.status = 'scheduled'
          and d.next_attempt_at <= ${now}::timestamptz
        order by d.next_attempt_at, d.id
        limit ${cap}
      ) d
    ), due as (
      select id, next_attempt_at,
        held_count + row_number() over (
          partition by endpoint_id order by next_attempt_at, id) as turn
      from head where not held
    ), picked as (
      select id from due where turn <= ${cap}
      order by turn, next_attempt_at, id
      limit ${limit}
    )`;
}

/**
 * The claiming UPDATE's guard: picked, and still scheduled, due and free when it is
 * locked. A row a lapsed sender was logging meanwhile is judged again as logged: done, or
 * a retry not yet due.
 */
function stillFree(now: string) {
  return sql`d.id = any(array(select id from picked)) and d.status = 'scheduled'
    and d.next_attempt_at <= ${now}::timestamptz
    and (d.locked_until is null or d.locked_until < ${now}::timestamptz)`;
}

/**
 * Takes up to `limit` deliveries whose next attempt is due, for `leaseMs`, fairly across
 * endpoints (`fairPick`): one organisation's backlog of thousands takes its own slots,
 * and another's fresh delivery is taken by the next claim. Claims take turns
 * (`CLAIM_LOCK`) and skip what another holds (the lease), and a sweep that dies mid-way
 * lets its deliveries fall due again when the lease runs out.
 */
export async function claimDueDeliveries(
  db: DbOrTx,
  options: { now?: Date; limit?: number; leaseMs?: number; perEndpoint?: number } = {},
): Promise<DueDelivery[]> {
  const now = (options.now ?? new Date()).toISOString();
  const until = new Date(Date.parse(now) + (options.leaseMs ?? 120_000)).toISOString();
  const cap = options.perEndpoint ?? ENDPOINT_CONCURRENCY;
  const rows = await db.transaction(async (tx) => {
    const [, , claimed] = await Promise.all([
      tx.execute(relaxedCommit),
      tx.execute(CLAIM_LOCK),
      tx.execute<{ id: string; attempt_count: number; endpoint_id: string }>(sql`
        ${fairPick(now, cap, options.limit ?? 50)}
        update ${webhookDeliveries} d
        set locked_until = ${until}::timestamptz, sending_attempt = null
        where ${stillFree(now)}
        returning d.id, d.attempt_count, d.endpoint_id`),
    ]);
    return claimed;
  });
  return rows
    .map((r) => ({ id: r.id, attemptNumber: r.attempt_count + 1, endpointId: r.endpoint_id }))
    .sort((a, b) => (a.id < b.id ? -1 : 1));
}

export type AttemptOutcome = {
  deliveryId: string;
  attemptNumber: number;
  /** `skipped`: the attempt was already made (a retried step) or the delivery is finished. */
  status: "succeeded" | "scheduled" | "failed" | "canceled" | "skipped";
  responseStatus: number | null;
  nextAttemptAt: string | null;
  /** Set when this attempt disabled the endpoint: its organisation must be told. */
  disabledEndpoint: { endpointId: string; reason: string; disabledAt: string } | null;
};

/**
 * Delivery bookkeeping commits without waiting for the disk flush. What a database
 * crash could lose is the last moment's holds and attempt logs; the sweep then makes
 * those attempts again, a repeat the at-least-once contract (and the stable
 * `webhook-id`) already covers. Waiting for each flush would cap an endpoint at a few
 * dozen deliveries per second on an ordinary disk.
 */
const relaxedCommit = sql`set local synchronous_commit = off`;

export const DEFAULT_TIMEOUT_MS = 15_000;
/** Time beyond the request timeout for logging the attempt before its hold lapses. */
const SEND_MARGIN_MS = 30_000;
/**
 * How long a taken attempt may wait for a connection to its host (behind slow requests
 * to the same endpoint) before it is given back unsent: started by then, it is answered
 * or timed out and logged well within its hold.
 */
const START_WITHIN_MS = SEND_MARGIN_MS - 10_000;

/** The process's sender: one keep-alive pool, shared by every delivery loop. */
let processSender: WebhookSender | undefined;
export function defaultWebhookSender(): WebhookSender {
  processSender ??= createWebhookSender({ maxSockets: ENDPOINT_CONNECTIONS });
  return processSender;
}

export type AttemptOptions = {
  now?: Date;
  timeoutMs?: number;
  sender?: WebhookSender;
};

/** An attempt this sender holds: what the request needs, read in the statement that took it. */
export type TakenAttempt = {
  due: DueDelivery;
  organisationId: string;
  mode: Scope["mode"];
  endpoint: { id: string; url: string; secretCiphertext: string; disabled: boolean };
  event: { id: string; type: string; data: Record<string, unknown>; createdAt: Date };
  /** When the attempt was taken: its `webhook-timestamp` and the base of its retry. */
  startedAt: Date;
};

/** A taken attempt as sent, ready to be logged. */
export type SentAttempt = TakenAttempt & {
  headers: Record<string, string>;
  body: string;
  result: SendResult;
};

function skipped(due: DueDelivery, status: AttemptOutcome["status"] = "skipped"): AttemptOutcome {
  return {
    deliveryId: due.id,
    attemptNumber: due.attemptNumber,
    status,
    responseStatus: null,
    nextAttemptAt: null,
    disabledEndpoint: null,
  };
}

/**
 * Takes attempts before sending them, in one statement for a whole group, reading what
 * each request needs. An attempt is taken only if the delivery still waits for exactly
 * that attempt and nobody is sending it (or the sender's hold lapsed): a second
 * execution of the same attempt (a retried step, a duplicate run) finds it taken and
 * sends nothing. Attempts of an endpoint disabled meanwhile are not sent: that
 * endpoint's whole backlog is canceled in one statement.
 */
export async function takeAttempts(
  db: DbOrTx,
  dues: DueDelivery[],
  options: { now?: Date; timeoutMs?: number } = {},
): Promise<{ taken: TakenAttempt[]; canceled: Set<string> }> {
  if (dues.length === 0) return { taken: [], canceled: new Set() };
  const now = options.now ?? new Date();
  const rows = await db.transaction(async (tx) => {
    const [, result] = await Promise.all([
      tx.execute(relaxedCommit),
      tx.execute<TakenRow>(sql`
        update ${webhookDeliveries} d
        set sending_attempt = t.attempt_number, locked_until = ${holdUntil(now, options)}::timestamptz
        from unnest(${sql.param(dues.map((d) => d.id))}::text[],
                    ${sql.param(dues.map((d) => d.attemptNumber))}::int[]) as t(id, attempt_number),
          ${events} e, ${webhookEndpoints} w
        where d.id = t.id and e.id = d.event_id and w.id = d.endpoint_id
          and d.status = 'scheduled' and d.attempt_count = t.attempt_number - 1
          and (d.sending_attempt is distinct from t.attempt_number
               or d.locked_until < ${now.toISOString()}::timestamptz)
        returning d.id, t.attempt_number, ${TAKEN_COLUMNS}`),
    ]);
    return result;
  });
  return takenFrom(db, rows, now);
}

/**
 * Claims due attempts fairly (`fairPick`) and takes them, in one statement: the delivery
 * loop's path, one round trip per group instead of two. The same guard as
 * `takeAttempts`: each delivery is taken for its next attempt, which no one else is
 * sending (rows locked, holds lapsed or absent).
 */
export async function claimAndTakeAttempts(
  db: DbOrTx,
  options: { limit: number; now?: Date; timeoutMs?: number; perEndpoint?: number },
): Promise<{ taken: TakenAttempt[]; canceled: Set<string>; claimed: number }> {
  const now = options.now ?? new Date();
  const cap = options.perEndpoint ?? ENDPOINT_CONCURRENCY;
  const rows = await db.transaction(async (tx) => {
    const [, , result] = await Promise.all([
      tx.execute(relaxedCommit),
      tx.execute(CLAIM_LOCK),
      tx.execute<TakenRow>(sql`
        ${fairPick(now.toISOString(), cap, options.limit)}
        update ${webhookDeliveries} d
        set sending_attempt = d.attempt_count + 1, locked_until = ${holdUntil(now, options)}::timestamptz
        from ${events} e, ${webhookEndpoints} w
        where ${stillFree(now.toISOString())} and e.id = d.event_id
          and w.id = d.endpoint_id
        returning d.id, d.attempt_count + 1 as attempt_number, ${TAKEN_COLUMNS}`),
    ]);
    return result;
  });
  return { ...(await takenFrom(db, rows, now)), claimed: rows.length };
}

type TakenRow = {
  id: string;
  attempt_number: number;
  organisation_id: string;
  mode: Scope["mode"];
  event_id: string;
  event_type: string;
  event_data: Record<string, unknown>;
  event_created_at: string;
  endpoint_id: string;
  endpoint_url: string;
  secret_ciphertext: string;
  endpoint_disabled: boolean;
};

const TAKEN_COLUMNS = sql.raw(`d.organisation_id, d.mode, e.id as event_id,
  e.type as event_type, e.data as event_data, e.created_at::text as event_created_at,
  w.id as endpoint_id, w.url as endpoint_url, w.secret_ciphertext,
  w.disabled_at is not null as endpoint_disabled`);

/** Until when a taken attempt is held: its request's timeout, and time to log it. */
function holdUntil(now: Date, options: { timeoutMs?: number }): string {
  return new Date(
    now.getTime() + (options.timeoutMs ?? DEFAULT_TIMEOUT_MS) + SEND_MARGIN_MS,
  ).toISOString();
}

/**
 * What taken rows need for their requests. Attempts of an endpoint disabled meanwhile are
 * not sent: that endpoint's whole backlog is canceled in one statement.
 */
async function takenFrom(
  db: DbOrTx,
  rows: TakenRow[],
  now: Date,
): Promise<{ taken: TakenAttempt[]; canceled: Set<string> }> {
  const canceled = new Set<string>();
  const taken: TakenAttempt[] = rows.map((r) => ({
    due: { id: r.id, attemptNumber: r.attempt_number, endpointId: r.endpoint_id },
    organisationId: r.organisation_id,
    mode: r.mode,
    endpoint: {
      id: r.endpoint_id,
      url: r.endpoint_url,
      secretCiphertext: r.secret_ciphertext,
      disabled: r.endpoint_disabled,
    },
    event: {
      id: r.event_id,
      type: r.event_type,
      data: r.event_data,
      createdAt: new Date(r.event_created_at),
    },
    startedAt: now,
  }));
  // An UPDATE returns rows in no particular order: deliveries due together go out in the
  // order their events happened (ids are time-ordered within a millisecond too).
  taken.sort(
    (a, b) =>
      a.event.createdAt.getTime() - b.event.createdAt.getTime() ||
      (a.event.id < b.event.id ? -1 : a.event.id > b.event.id ? 1 : 0),
  );
  const disabled = new Map<string, string[]>();
  for (const t of taken) {
    if (!t.endpoint.disabled) continue;
    disabled.set(t.endpoint.id, [...(disabled.get(t.endpoint.id) ?? []), t.due.id]);
    canceled.add(t.due.id);
  }
  // Disabled behind our back (not through lib/webhooks/endpoints.ts): the endpoint's
  // whole backlog goes in one statement, not one delivery per sweep.
  for (const [endpointId, held] of disabled) await cancelEndpointBacklog(db, endpointId, now, held);
  return { taken: taken.filter((t) => !t.endpoint.disabled), canceled };
}

/** Signs an attempt per Standard Webhooks and POSTs it. */
export async function sendAttempt(
  attempt: TakenAttempt,
  sign: WebhookSigner,
  options: { timeoutMs?: number; sender?: WebhookSender } = {},
): Promise<SentAttempt> {
  const body = JSON.stringify(
    serializeEvent({
      ...attempt.event,
      organisationId: attempt.organisationId,
      mode: attempt.mode,
      relayedAt: null,
    }),
  );
  const headers = {
    "content-type": "application/json",
    "user-agent": "Disburse-Webhooks/1",
    ...sign(attempt.event.id, body, attempt.startedAt),
  };
  const sender = options.sender ?? defaultWebhookSender();
  const result = await sender.send({
    url: attempt.endpoint.url,
    mode: attempt.mode,
    headers,
    body,
    timeoutMs: options.timeoutMs ?? DEFAULT_TIMEOUT_MS,
    startBy: attempt.startedAt.getTime() + START_WITHIN_MS,
  });
  return { ...attempt, headers, body, result };
}

/**
 * Gives back attempts that were taken but never sent (no connection came free in time):
 * nothing is logged, the delivery's attempt count is unchanged, and the next claim takes
 * the same attempt again.
 */
export async function releaseAttempts(db: DbOrTx, unsent: TakenAttempt[]): Promise<void> {
  if (unsent.length === 0) return;
  await db.execute(sql`
    update ${webhookDeliveries} d set locked_until = null, sending_attempt = null
    from unnest(${sql.param(unsent.map((a) => a.due.id))}::text[],
                ${sql.param(unsent.map((a) => a.due.attemptNumber))}::int[]) as t(id, attempt_number)
    where d.id = t.id and d.sending_attempt = t.attempt_number
      and d.attempt_count = t.attempt_number - 1`);
}

/** Opens each endpoint's signing secret once per group rather than once per attempt. */
export function signersOf(): (attempt: TakenAttempt) => WebhookSigner {
  const signers = new Map<string, WebhookSigner>();
  return (attempt) => {
    let signer = signers.get(attempt.endpoint.id);
    if (signer === undefined) {
      signer = webhookSigner(
        webhookSigningSecret({
          id: attempt.endpoint.id,
          secretCiphertext: attempt.endpoint.secretCiphertext,
        } as WebhookEndpointRow),
      );
      signers.set(attempt.endpoint.id, signer);
    }
    return signer;
  };
}

/**
 * Makes attempt `attemptNumber` of each delivery: takes them (see `takeAttempts`), signs
 * each event per Standard Webhooks, POSTs them in parallel, and logs every attempt with
 * its delivery's next state (see `recordAttempts`). A 2xx succeeds; 410 Gone fails the
 * delivery and disables the endpoint; anything else retries on the schedule (honouring
 * Retry-After) until it runs out. An endpoint that has failed for five days with no
 * success is disabled.
 *
 * Idempotent per (delivery, attempt number): the attempt row is unique, so a retried
 * step that already logged an attempt changes nothing and reports `skipped`.
 */
export async function attemptDeliveries(
  db: DbOrTx,
  dues: DueDelivery[],
  options: AttemptOptions = {},
): Promise<AttemptOutcome[]> {
  const { taken, canceled } = await takeAttempts(db, dues, options);
  const signerOf = signersOf();
  const sent = await Promise.all(taken.map((t) => sendAttempt(t, signerOf(t), options)));
  await releaseAttempts(
    db,
    sent.filter((s) => s.result.notSent),
  );
  const recorded = new Map(
    (
      await recordAttempts(
        db,
        sent.filter((s) => !s.result.notSent),
      )
    ).map((outcome) => [outcome.deliveryId, outcome]),
  );
  return dues.map(
    (due) => recorded.get(due.id) ?? skipped(due, canceled.has(due.id) ? "canceled" : "skipped"),
  );
}

/** One attempt; see `attemptDeliveries`. */
export async function attemptDelivery(
  db: DbOrTx,
  due: DueDelivery,
  options: AttemptOptions = {},
): Promise<AttemptOutcome> {
  const [outcome] = await attemptDeliveries(db, [due], options);
  return outcome ?? skipped(due);
}

/**
 * Logs sent attempts and moves their deliveries on: one transaction per endpoint, each
 * a few statements however many attempts it logs, so a group of hundreds costs a few
 * round trips. Endpoints are independent, so their transactions run side by side.
 */
export async function recordAttempts(db: DbOrTx, sent: SentAttempt[]): Promise<AttemptOutcome[]> {
  const byEndpoint = new Map<string, SentAttempt[]>();
  for (const attempt of sent) {
    byEndpoint.set(attempt.endpoint.id, [...(byEndpoint.get(attempt.endpoint.id) ?? []), attempt]);
  }
  const outcomes = await Promise.all(
    [...byEndpoint.values()].map((attempts) => recordEndpointAttempts(db, attempts)),
  );
  return outcomes.flat();
}

type Judged = SentAttempt & {
  succeeded: boolean;
  gone: boolean;
  retryAt: Date | null;
  status: DeliveryRow["status"];
  failure: string | null;
};

function judge(attempt: SentAttempt): Judged {
  const { result, startedAt, due } = attempt;
  const succeeded = result.status !== null && result.status >= 200 && result.status < 300;
  const gone = result.status === 410;
  const retryAt =
    succeeded || gone
      ? null
      : nextAttemptAt({
          attemptNumber: due.attemptNumber,
          now: startedAt,
          retryAfterMs: parseRetryAfter(result.retryAfter, startedAt),
        });
  const status: DeliveryRow["status"] = succeeded ? "succeeded" : retryAt ? "scheduled" : "failed";
  const failure = succeeded
    ? null
    : (result.error ??
      `HTTP ${result.status}${result.responseBody ? `: ${result.responseBody.slice(0, 200)}` : ""}`);
  return { ...attempt, succeeded, gone, retryAt, status, failure };
}

/**
 * Logs one endpoint's attempts in one transaction. Lock order is the same everywhere:
 * endpoint (failures only), health, then deliveries, so a success never deadlocks with a
 * failure that disables the endpoint and cancels its deliveries. Successes alone touch
 * only their own rows: a healthy endpoint's health row is left alone, so successes never
 * queue on each other. A group with any success counts as the endpoint getting through.
 */
async function recordEndpointAttempts(
  db: DbOrTx,
  attempts: SentAttempt[],
): Promise<AttemptOutcome[]> {
  const judged = attempts.map(judge);
  const first = judged[0];
  if (!first) return [];
  const endpointId = first.endpoint.id;
  const scope: Scope = { organisationId: first.organisationId, mode: first.mode };
  const anySuccess = judged.some((j) => j.succeeded);
  const now = new Date(Math.max(...judged.map((j) => j.startedAt.getTime())));
  const lastFailure = [...judged].reverse().find((j) => !j.succeeded);

  // The log's input goes to PostgreSQL as JSON, most of a delivery's bytes on that
  // connection: a key left undefined is left out (read back as null), and the URL is
  // sent once for the group unless an attempt went elsewhere (the URL changed meanwhile).
  const url = first.endpoint.url;
  const rows = judged.map((j) => ({
    attempt_id: newId("webhookAttempt"),
    delivery_id: j.due.id,
    attempt_number: j.due.attemptNumber,
    url: j.endpoint.url === url ? undefined : j.endpoint.url,
    request_headers: j.headers,
    request_body: j.body,
    response_status: j.result.status ?? undefined,
    response_body: j.result.responseBody ?? undefined,
    error: j.result.error ?? undefined,
    duration_ms: j.result.durationMs,
    started_at: j.startedAt.toISOString(),
    next_attempt_at: j.retryAt?.toISOString(),
    status: j.status,
    last_error: j.failure ?? undefined,
  }));
  // A retry for an endpoint disabled while this attempt was in flight is canceled like
  // the endpoint's other deliveries.
  const endpointDisabled = sql`exists (select 1 from ${webhookEndpoints} where ${webhookEndpoints.id} = ${endpointId} and ${webhookEndpoints.disabledAt} is not null)`;
  const logAndFinish = (tx: Tx) =>
    tx.execute<{ id: string }>(sql`
      with input as (
        select * from jsonb_to_recordset(${JSON.stringify(rows)}::jsonb) as r(
          attempt_id text, delivery_id text, attempt_number int, url text,
          request_headers jsonb, request_body text, response_status int, response_body text,
          error text, duration_ms int, started_at timestamptz, next_attempt_at timestamptz,
          status webhook_delivery_status, last_error text)
      ), logged as (
        insert into ${webhookAttempts} (id, delivery_id, organisation_id, mode, endpoint_id,
          attempt_number, url, request_headers, request_body, response_status, response_body,
          error, duration_ms, started_at, next_attempt_at)
        select attempt_id, delivery_id, ${scope.organisationId}, ${scope.mode}::mode,
          ${endpointId}, attempt_number, coalesce(url, ${url}), request_headers, request_body, response_status,
          response_body, error, duration_ms, started_at, next_attempt_at
        from input
        on conflict do nothing
        returning delivery_id
      )
      update ${webhookDeliveries} d set
        status = case when i.status = 'scheduled' and ${endpointDisabled}
          then 'canceled'::webhook_delivery_status else i.status end,
        attempt_count = i.attempt_number,
        next_attempt_at = case when i.status = 'scheduled' and ${endpointDisabled}
          then null else i.next_attempt_at end,
        locked_until = null,
        sending_attempt = null,
        last_response_status = i.response_status,
        last_error = i.last_error,
        delivered_at = case when i.status = 'succeeded' then i.started_at end,
        updated_at = i.started_at
      from input i join logged l on l.delivery_id = i.delivery_id
      where d.id = i.delivery_id and d.attempt_count = i.attempt_number - 1
        -- Through the primary key, whatever the planner guesses of the input's size: a
        -- hash join would read the whole table once per logged group.
        and d.id = any(${sql.param(rows.map((r) => r.delivery_id))}::text[])
      returning d.id`);

  // Statements go out pipelined (one round trip) and run in the order given.
  const { logged, locked } = await db.transaction(async (tx) => {
    if (anySuccess && !judged.some((j) => j.gone)) {
      const [, , finished] = await Promise.all([
        tx.execute(relaxedCommit),
        tx
          .update(webhookEndpointHealth)
          .set({ failingSince: null, lastSuccessAt: now, updatedAt: now })
          .where(
            and(
              eq(webhookEndpointHealth.endpointId, endpointId),
              isNotNull(webhookEndpointHealth.failingSince),
            ),
          ),
        logAndFinish(tx),
      ]);
      return { logged: finished, locked: null };
    }
    // Failures to one endpoint record one group at a time: each may disable the
    // endpoint, and exactly one must. NO KEY UPDATE leaves the relay's foreign-key
    // checks unblocked.
    const [, [row], since, finished] = await Promise.all([
      tx.execute(relaxedCommit),
      tx
        .select({ disabledAt: webhookEndpoints.disabledAt })
        .from(webhookEndpoints)
        .where(eq(webhookEndpoints.id, endpointId))
        .for("no key update"),
      anySuccess
        ? Promise.resolve(null)
        : recordFailure(tx, endpointId, lastFailure?.failure ?? "failed", now),
      logAndFinish(tx),
    ]);
    const gone = judged.some((j) => j.gone);
    const reason = gone
      ? "endpoint_gone"
      : since && now.getTime() - since.getTime() >= DISABLE_AFTER_FAILING_MS
        ? "failing_for_5_days"
        : null;
    const disabledEndpoint =
      reason && row && !row.disabledAt
        ? await disableEndpoint(tx, scope, endpointId, reason)
        : null;
    return { logged: finished, locked: disabledEndpoint };
  });

  const loggedIds = new Set(logged.map((r) => r.id));
  // The endpoint's disabling is reported once, on the attempt that caused it.
  const culprit = locked ? (judged.find((j) => j.gone) ?? lastFailure) : undefined;
  return judged.map((j) =>
    loggedIds.has(j.due.id)
      ? {
          deliveryId: j.due.id,
          attemptNumber: j.due.attemptNumber,
          status: j.status,
          responseStatus: j.result.status,
          nextAttemptAt: j.retryAt?.toISOString() ?? null,
          disabledEndpoint: j === culprit ? locked : null,
        }
      : // Logged already: only a sender whose hold lapsed mid-request gets here; the first log stands.
        skipped(j.due),
  );
}

/** Records a failure and returns when the endpoint's current run of failures started. */
async function recordFailure(tx: Tx, endpointId: string, error: string, now: Date): Promise<Date> {
  const [health] = await tx
    .insert(webhookEndpointHealth)
    .values({ endpointId, failingSince: now, lastFailureAt: now, lastError: error, updatedAt: now })
    .onConflictDoUpdate({
      target: webhookEndpointHealth.endpointId,
      set: {
        failingSince: sql`coalesce(${webhookEndpointHealth.failingSince}, ${now.toISOString()}::timestamptz)`,
        lastFailureAt: now,
        lastError: error,
        updatedAt: now,
      },
    })
    .returning({ failingSince: webhookEndpointHealth.failingSince });
  return health?.failingSince ?? now;
}

/**
 * Disables the endpoint and cancels what was still scheduled for it. The caller holds
 * the endpoint row and saw it enabled, so exactly one attempt disables it and the
 * organisation is told once.
 */
async function disableEndpoint(
  tx: Tx,
  scope: Scope,
  endpointId: string,
  reason: string,
): Promise<AttemptOutcome["disabledEndpoint"]> {
  await disableWebhookEndpoint(tx, scope, endpointId, reason);
  await cancelEndpointBacklog(tx, endpointId);
  const [after] = await tx
    .select({ disabledAt: webhookEndpoints.disabledAt })
    .from(webhookEndpoints)
    .where(eq(webhookEndpoints.id, endpointId));
  if (!after?.disabledAt) throw new Error(`webhook endpoint ${endpointId} did not disable`);
  return { endpointId, reason, disabledAt: after.disabledAt.toISOString() };
}
