import { and, asc, eq, inArray, isNotNull, isNull, lt, lte, or, sql } from "drizzle-orm";
import type { DbOrTx, Tx } from "@/db/client";
import {
  events,
  webhookAttempts,
  webhookDeliveries,
  webhookEndpointHealth,
  webhookEndpoints,
} from "@/db/schema";
import type { Scope } from "@/lib/events/outbox";
import type { EventRow } from "@/lib/events/queries";
import { serializeEvent } from "@/lib/events/serialize";
import { newId } from "@/lib/ids";
import type { WebhookEndpointRow } from "./endpoint-schemas";
import { cancelEndpointBacklog, disableWebhookEndpoint, webhookSigningSecret } from "./endpoints";
import { DISABLE_AFTER_FAILING_MS, nextAttemptAt, parseRetryAfter } from "./schedule";
import { signWebhook } from "./signing";

export type DeliveryRow = typeof webhookDeliveries.$inferSelect;
export type AttemptRow = typeof webhookAttempts.$inferSelect;

type TakenAttempt = {
  organisation_id: string;
  mode: Scope["mode"];
  event_id: string;
  event_type: string;
  event_data: Record<string, unknown>;
  event_created_at: string;
  endpoint_id: string;
  endpoint_url: string;
  secret_ciphertext: string;
  endpoint_disabled_at: string | null;
};

/** What an attempt needs of its endpoint: where to send and how to sign. */
type Endpoint = Pick<
  WebhookEndpointRow,
  "id" | "organisationId" | "mode" | "url" | "secretCiphertext"
>;

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
    .where(sql`${events.id} = any(${sql.param(eventRows.map((e) => e.id))}::text[])`);
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
 * Requests in flight to one endpoint at most, across every run and worker: a slow or
 * huge backlog holds this many of its own deliveries, never everyone's turn.
 */
export const ENDPOINT_CONCURRENCY = 16;

/** Serialises claims, so two at once never both fill the same endpoint's free slots. */
const CLAIM_LOCK = sql`select pg_advisory_xact_lock(${0x77_68_6b_63})`;

/**
 * Takes up to `limit` deliveries whose next attempt is due, for `leaseMs`, fairly across
 * endpoints: round-robin (every endpoint's oldest due delivery first, then every
 * endpoint's second…), each endpoint capped at `perEndpoint` deliveries held at once
 * counting those other senders hold. So one organisation's backlog of thousands
 * takes its own slots, and another's fresh delivery is taken by the next claim.
 * Concurrent sweeps skip each other's rows (SKIP LOCKED, then the lease), and a sweep
 * that dies mid-way lets its deliveries fall due again when the lease runs out.
 */
export async function claimDueDeliveries(
  db: DbOrTx,
  options: { now?: Date; limit?: number; leaseMs?: number; perEndpoint?: number } = {},
): Promise<DueDelivery[]> {
  const now = (options.now ?? new Date()).toISOString();
  const until = new Date(Date.parse(now) + (options.leaseMs ?? 120_000)).toISOString();
  const cap = options.perEndpoint ?? ENDPOINT_CONCURRENCY;
  const limit = options.limit ?? 50;
  // A delivery whose hold lapsed lost its sender: whatever attempt it was sending is free.
  const rows = await db.transaction(async (tx) => {
    const [, , claimed] = await Promise.all([
      tx.execute(relaxedCommit),
      tx.execute(CLAIM_LOCK),
      tx.execute<{ id: string; attempt_count: number; endpoint_id: string }>(sql`
        with held as (
          select endpoint_id, count(*)::int as n from ${webhookDeliveries}
          where status = 'scheduled' and locked_until >= ${now}::timestamptz
          group by endpoint_id
        ), due as (
          select d.id, d.next_attempt_at,
            coalesce(h.n, 0) + row_number() over (
              partition by w.id order by d.next_attempt_at, d.id) as turn
          from ${webhookEndpoints} w
          left join held h on h.endpoint_id = w.id
          cross join lateral (
            select d.id, d.next_attempt_at from ${webhookDeliveries} d
            where d.endpoint_id = w.id and d.status = 'scheduled'
              and d.next_attempt_at <= ${now}::timestamptz
              and (d.locked_until is null or d.locked_until < ${now}::timestamptz)
            order by d.next_attempt_at, d.id
            limit ${cap}
            for update of d skip locked
          ) d
        ), picked as (
          select id from due where turn <= ${cap}
          order by turn, next_attempt_at, id
          limit ${limit}
        )
        update ${webhookDeliveries} d
        set locked_until = ${until}::timestamptz, sending_attempt = null
        from picked where d.id = picked.id
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

const RESPONSE_EXCERPT_CHARS = 2_048;
const DEFAULT_TIMEOUT_MS = 15_000;
/** Time beyond the request timeout for logging the attempt before its hold lapses. */
const SEND_MARGIN_MS = 30_000;

async function readExcerpt(response: Response): Promise<string> {
  if (!response.body) return "";
  const reader = response.body.getReader();
  const decoder = new TextDecoder();
  let text = "";
  try {
    while (text.length < RESPONSE_EXCERPT_CHARS) {
      const { done, value } = await reader.read();
      if (done) break;
      text += decoder.decode(value, { stream: true });
    }
  } catch {
    // A receiver that resets mid-body still answered; keep what arrived.
  } finally {
    await reader.cancel().catch(() => {});
  }
  return text.slice(0, RESPONSE_EXCERPT_CHARS);
}

function describeError(error: unknown): string {
  if (!(error instanceof Error)) return String(error);
  if (error.name === "TimeoutError") return "timed out";
  const cause = (error as { cause?: { code?: string; message?: string } }).cause;
  return cause?.code ?? cause?.message ?? error.message;
}

type Sent = {
  headers: Record<string, string>;
  body: string;
  status: number | null;
  retryAfter: string | null;
  responseBody: string | null;
  error: string | null;
  durationMs: number;
};

async function post(url: string, headers: Record<string, string>, body: string, timeoutMs: number) {
  const started = performance.now();
  try {
    // Redirects are not followed: a signed payload goes only where the endpoint says.
    const response = await fetch(url, {
      method: "POST",
      headers,
      body,
      redirect: "manual",
      signal: AbortSignal.timeout(timeoutMs),
    });
    const responseBody = await readExcerpt(response);
    return {
      status: response.status,
      retryAfter: response.headers.get("retry-after"),
      responseBody,
      error: null,
      durationMs: Math.round(performance.now() - started),
    };
  } catch (error) {
    return {
      status: null,
      retryAfter: null,
      responseBody: null,
      error: describeError(error),
      durationMs: Math.round(performance.now() - started),
    };
  }
}

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
 * Makes attempt `attemptNumber` of a delivery: signs the event per Standard Webhooks,
 * POSTs it, logs the attempt, and schedules the next one or finishes the delivery.
 * A 2xx succeeds; 410 Gone fails the delivery and disables the endpoint; anything else
 * retries on the schedule (honouring Retry-After) until it runs out. An endpoint that
 * has failed for five days with no success is disabled.
 *
 * Idempotent per (delivery, attempt number): the attempt row is unique, so a retried
 * step that already logged this attempt changes nothing and reports `skipped`.
 */
export async function attemptDelivery(
  db: DbOrTx,
  due: DueDelivery,
  options: { now?: Date; timeoutMs?: number } = {},
): Promise<AttemptOutcome> {
  const now = options.now ?? new Date();
  const timeoutMs = options.timeoutMs ?? DEFAULT_TIMEOUT_MS;
  // Take this attempt before sending it, reading what the request needs in the same
  // statement. A second execution of the same step (a retry racing the first, a
  // duplicate run) finds it taken and sends nothing; if the sender died, the hold
  // lapses and the next sweep makes the attempt again.
  const [taken] = await db.transaction(async (tx) => {
    const [, rows] = await Promise.all([
      tx.execute(relaxedCommit),
      tx.execute<TakenAttempt>(sql`
    update ${webhookDeliveries} d
    set sending_attempt = ${due.attemptNumber},
        locked_until = ${new Date(now.getTime() + timeoutMs + SEND_MARGIN_MS).toISOString()}::timestamptz
    from ${events} e, ${webhookEndpoints} w
    where d.id = ${due.id} and e.id = d.event_id and w.id = d.endpoint_id
      and d.status = 'scheduled' and d.attempt_count = ${due.attemptNumber - 1}
      and (d.sending_attempt is distinct from ${due.attemptNumber}
           or d.locked_until < ${now.toISOString()}::timestamptz)
    returning d.organisation_id, d.mode, e.id as event_id, e.type as event_type,
      e.data as event_data, e.created_at as event_created_at, w.id as endpoint_id,
      w.url as endpoint_url, w.secret_ciphertext, w.disabled_at as endpoint_disabled_at`),
    ]);
    return rows;
  });
  if (!taken) return skipped(due);
  const delivery = { id: due.id, organisationId: taken.organisation_id, mode: taken.mode };
  const endpoint: Endpoint = {
    id: taken.endpoint_id,
    organisationId: taken.organisation_id,
    mode: taken.mode,
    url: taken.endpoint_url,
    secretCiphertext: taken.secret_ciphertext,
  };
  if (taken.endpoint_disabled_at) {
    // Disabled behind our back (not through lib/webhooks/endpoints.ts): its whole backlog
    // goes in one statement, not one delivery per sweep.
    await cancelEndpointBacklog(db, endpoint.id, now, due.id);
    return skipped(due, "canceled");
  }
  const event = {
    id: taken.event_id,
    organisationId: taken.organisation_id,
    mode: taken.mode,
    type: taken.event_type,
    data: taken.event_data,
    createdAt: new Date(taken.event_created_at),
    relayedAt: null,
  };

  const body = JSON.stringify(serializeEvent(event));
  const headers = {
    "content-type": "application/json",
    "user-agent": "Disburse-Webhooks/1",
    ...signWebhook({
      secret: webhookSigningSecret(endpoint as WebhookEndpointRow),
      eventId: event.id,
      body,
      timestamp: now,
    }),
  };
  const sent: Sent = {
    headers,
    body,
    ...(await post(endpoint.url, headers, body, timeoutMs)),
  };
  return recordAttempt(db, { delivery, endpoint, due, sent, now });
}

async function recordAttempt(
  db: DbOrTx,
  input: {
    delivery: Pick<DeliveryRow, "id" | "organisationId" | "mode">;
    endpoint: Endpoint;
    due: DueDelivery;
    sent: Sent;
    now: Date;
  },
): Promise<AttemptOutcome> {
  const { delivery, endpoint, due, sent, now } = input;
  const succeeded = sent.status !== null && sent.status >= 200 && sent.status < 300;
  const gone = sent.status === 410;
  const retryAt =
    succeeded || gone
      ? null
      : nextAttemptAt({
          attemptNumber: due.attemptNumber,
          now,
          retryAfterMs: parseRetryAfter(sent.retryAfter, now),
        });
  const status: DeliveryRow["status"] = succeeded ? "succeeded" : retryAt ? "scheduled" : "failed";
  const failure = succeeded
    ? null
    : (sent.error ??
      `HTTP ${sent.status}${sent.responseBody ? `: ${sent.responseBody.slice(0, 200)}` : ""}`);

  const attemptRow = {
    id: newId("webhookAttempt"),
    deliveryId: delivery.id,
    organisationId: delivery.organisationId,
    mode: delivery.mode,
    endpointId: endpoint.id,
    attemptNumber: due.attemptNumber,
    url: endpoint.url,
    requestHeaders: sent.headers,
    requestBody: sent.body,
    responseStatus: sent.status,
    responseBody: sent.responseBody,
    error: sent.error,
    durationMs: sent.durationMs,
    startedAt: now,
    nextAttemptAt: retryAt,
  };
  const outcome = {
    deliveryId: delivery.id,
    attemptNumber: due.attemptNumber,
    status,
    responseStatus: sent.status,
    nextAttemptAt: retryAt?.toISOString() ?? null,
  };
  // A retry for an endpoint disabled while this attempt was in flight is canceled like
  // the endpoint's other deliveries.
  const endpointDisabled = sql`exists (select 1 from ${webhookEndpoints} where ${webhookEndpoints.id} = ${endpoint.id} and ${webhookEndpoints.disabledAt} is not null)`;
  const finish = (tx: Tx) =>
    tx
      .update(webhookDeliveries)
      .set({
        status: retryAt
          ? sql`case when ${endpointDisabled} then 'canceled'::webhook_delivery_status else 'scheduled'::webhook_delivery_status end`
          : status,
        attemptCount: due.attemptNumber,
        nextAttemptAt: retryAt
          ? sql`case when ${endpointDisabled} then null else ${retryAt.toISOString()}::timestamptz end`
          : null,
        lockedUntil: null,
        sendingAttempt: null,
        lastResponseStatus: sent.status,
        lastError: failure,
        deliveredAt: succeeded ? now : null,
        updatedAt: now,
      })
      .where(
        and(
          eq(webhookDeliveries.id, delivery.id),
          eq(webhookDeliveries.attemptCount, due.attemptNumber - 1),
        ),
      );
  const log = (tx: Tx) =>
    tx
      .insert(webhookAttempts)
      .values(attemptRow)
      .onConflictDoNothing()
      .returning({ id: webhookAttempts.id });

  try {
    return await db.transaction(async (tx) => {
      // Statements go out pipelined (one round trip) and run in the order given. Lock
      // order is the same everywhere: endpoint (failures only), health, then the
      // delivery, so a success never deadlocks with a failure that disables the endpoint
      // and cancels its deliveries.
      if (succeeded) {
        // The common case touches only its own rows: a healthy endpoint's health row is
        // left alone (the UPDATE matches nothing), so successes never queue on each other.
        const [, , logged] = await Promise.all([
          tx.execute(relaxedCommit),
          tx
            .update(webhookEndpointHealth)
            .set({ failingSince: null, lastSuccessAt: now, updatedAt: now })
            .where(
              and(
                eq(webhookEndpointHealth.endpointId, endpoint.id),
                isNotNull(webhookEndpointHealth.failingSince),
              ),
            ),
          log(tx),
          finish(tx),
        ]);
        if (logged.length === 0) throw new AttemptAlreadyLogged();
        return { ...outcome, disabledEndpoint: null };
      }

      // Failures to one endpoint record one at a time: each may disable the endpoint, and
      // exactly one must. NO KEY UPDATE leaves the relay's foreign-key checks unblocked.
      const [, [locked], failingSince, logged] = await Promise.all([
        tx.execute(relaxedCommit),
        tx
          .select({ disabledAt: webhookEndpoints.disabledAt })
          .from(webhookEndpoints)
          .where(eq(webhookEndpoints.id, endpoint.id))
          .for("no key update"),
        recordFailure(tx, endpoint.id, failure ?? "failed", now),
        log(tx),
        finish(tx),
      ]);
      if (logged.length === 0) throw new AttemptAlreadyLogged();
      const reason = gone
        ? "endpoint_gone"
        : now.getTime() - failingSince.getTime() >= DISABLE_AFTER_FAILING_MS
          ? "failing_for_5_days"
          : null;
      const scope = { organisationId: endpoint.organisationId, mode: endpoint.mode };
      const disabledEndpoint =
        reason && locked && !locked.disabledAt
          ? await disableEndpoint(tx, scope, endpoint.id, reason)
          : null;
      return { ...outcome, disabledEndpoint };
    });
  } catch (error) {
    // Logged already: only a sender whose hold lapsed mid-request gets here; the first log stands.
    if (error instanceof AttemptAlreadyLogged) return skipped(due);
    throw error;
  }
}

class AttemptAlreadyLogged extends Error {}

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

/** What one pass over due deliveries did, small enough for a step's output. */
export type DeliveryPass = {
  /** Deliveries taken; fewer than the limit means nothing more was due. */
  claimed: number;
  counts: Partial<Record<AttemptOutcome["status"], number>>;
  /** Endpoints this pass disabled: each organisation must be told. */
  disabledEndpoints: NonNullable<AttemptOutcome["disabledEndpoint"]>[];
};

/** Takes up to `limit` due deliveries and makes their attempts in parallel. */
export async function deliverDueDeliveries(
  db: DbOrTx,
  options: { limit: number },
): Promise<DeliveryPass> {
  const due = await claimDueDeliveries(db, { limit: options.limit });
  const outcomes = await Promise.all(due.map((delivery) => attemptDelivery(db, delivery)));
  const pass: DeliveryPass = { claimed: due.length, counts: {}, disabledEndpoints: [] };
  for (const outcome of outcomes) {
    pass.counts[outcome.status] = (pass.counts[outcome.status] ?? 0) + 1;
    if (outcome.disabledEndpoint) pass.disabledEndpoints.push(outcome.disabledEndpoint);
  }
  return pass;
}
