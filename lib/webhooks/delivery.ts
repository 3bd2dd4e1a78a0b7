import { and, asc, eq, inArray, isNull, lt, lte, or, sql } from "drizzle-orm";
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
import { disableWebhookEndpoint, webhookSigningSecret } from "./endpoints";
import { DISABLE_AFTER_FAILING_MS, nextAttemptAt, parseRetryAfter } from "./schedule";
import { signWebhook } from "./signing";

export type DeliveryRow = typeof webhookDeliveries.$inferSelect;
export type AttemptRow = typeof webhookAttempts.$inferSelect;

/** A delivery taken by a sweep, and the number its next attempt will carry. */
export type DueDelivery = { id: string; attemptNumber: number };

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
 * Takes up to `limit` deliveries whose next attempt is due, for `leaseMs`: concurrent
 * sweeps skip each other's rows (SKIP LOCKED, then the lease), and a sweep that dies
 * mid-way lets its deliveries fall due again when the lease runs out.
 */
export async function claimDueDeliveries(
  db: DbOrTx,
  options: { now?: Date; limit?: number; leaseMs?: number } = {},
): Promise<DueDelivery[]> {
  const now = options.now ?? new Date();
  const until = new Date(now.getTime() + (options.leaseMs ?? 120_000));
  const due = db
    .select({ id: webhookDeliveries.id })
    .from(webhookDeliveries)
    .where(
      and(
        eq(webhookDeliveries.status, "scheduled"),
        lte(webhookDeliveries.nextAttemptAt, now),
        or(isNull(webhookDeliveries.lockedUntil), lt(webhookDeliveries.lockedUntil, now)),
      ),
    )
    .orderBy(asc(webhookDeliveries.nextAttemptAt))
    .limit(options.limit ?? 50)
    .for("update", { skipLocked: true });
  // A delivery whose hold lapsed lost its sender: whatever attempt it was sending is free.
  const rows = await db
    .update(webhookDeliveries)
    .set({ lockedUntil: until, sendingAttempt: null })
    .where(inArray(webhookDeliveries.id, due))
    .returning({ id: webhookDeliveries.id, attemptCount: webhookDeliveries.attemptCount });
  return rows
    .map((r) => ({ id: r.id, attemptNumber: r.attemptCount + 1 }))
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
  const [row] = await db
    .select({ delivery: webhookDeliveries, event: events, endpoint: webhookEndpoints })
    .from(webhookDeliveries)
    .innerJoin(events, eq(events.id, webhookDeliveries.eventId))
    .innerJoin(webhookEndpoints, eq(webhookEndpoints.id, webhookDeliveries.endpointId))
    .where(eq(webhookDeliveries.id, due.id));
  if (!row) return skipped(due);
  const { delivery, event, endpoint } = row;
  if (delivery.status !== "scheduled" || delivery.attemptCount >= due.attemptNumber) {
    return skipped(due);
  }
  if (endpoint.disabledAt) {
    await db
      .update(webhookDeliveries)
      .set({ status: "canceled", nextAttemptAt: null, lockedUntil: null, updatedAt: now })
      .where(and(eq(webhookDeliveries.id, delivery.id), eq(webhookDeliveries.status, "scheduled")));
    return skipped(due, "canceled");
  }

  const timeoutMs = options.timeoutMs ?? DEFAULT_TIMEOUT_MS;
  // Take this attempt before sending it. A second execution of the same step (a retry
  // racing the first, a duplicate run) finds it taken and sends nothing; if the sender
  // died, the hold lapses and the next sweep makes the attempt again.
  const [taken] = await db
    .update(webhookDeliveries)
    .set({
      sendingAttempt: due.attemptNumber,
      lockedUntil: new Date(now.getTime() + timeoutMs + SEND_MARGIN_MS),
    })
    .where(
      and(
        eq(webhookDeliveries.id, delivery.id),
        eq(webhookDeliveries.status, "scheduled"),
        eq(webhookDeliveries.attemptCount, due.attemptNumber - 1),
        or(
          sql`${webhookDeliveries.sendingAttempt} is distinct from ${due.attemptNumber}`,
          lt(webhookDeliveries.lockedUntil, now),
        ),
      ),
    )
    .returning({ id: webhookDeliveries.id });
  if (!taken) return skipped(due);

  const body = JSON.stringify(serializeEvent(event));
  const headers = {
    "content-type": "application/json",
    "user-agent": "Disburse-Webhooks/1",
    ...signWebhook({
      secret: webhookSigningSecret(endpoint),
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

type Endpoint = typeof webhookEndpoints.$inferSelect;

async function recordAttempt(
  db: DbOrTx,
  input: { delivery: DeliveryRow; endpoint: Endpoint; due: DueDelivery; sent: Sent; now: Date },
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

  return db.transaction(async (tx) => {
    // Attempts to one endpoint record one at a time: each may disable the endpoint and
    // cancel the others' deliveries, so they take the endpoint row first, in one order.
    // NO KEY UPDATE leaves the relay's foreign-key checks on the row unblocked.
    const [locked] = await tx
      .select({ disabledAt: webhookEndpoints.disabledAt })
      .from(webhookEndpoints)
      .where(eq(webhookEndpoints.id, endpoint.id))
      .for("no key update");
    const logged = await tx
      .insert(webhookAttempts)
      .values({
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
      })
      .onConflictDoNothing()
      .returning({ id: webhookAttempts.id });
    if (logged.length === 0) return skipped(due);

    await tx
      .update(webhookDeliveries)
      .set({
        status,
        attemptCount: due.attemptNumber,
        nextAttemptAt: retryAt,
        lockedUntil: null,
        sendingAttempt: null,
        lastResponseStatus: sent.status,
        lastError: failure,
        deliveredAt: succeeded ? now : null,
        updatedAt: now,
      })
      .where(eq(webhookDeliveries.id, delivery.id));

    const failingSince = await recordEndpointHealth(tx, endpoint.id, { succeeded, failure, now });
    const scope = { organisationId: endpoint.organisationId, mode: endpoint.mode };
    const reason = gone
      ? "endpoint_gone"
      : failingSince && now.getTime() - failingSince.getTime() >= DISABLE_AFTER_FAILING_MS
        ? "failing_for_5_days"
        : null;
    const disabledEndpoint =
      reason && locked && !locked.disabledAt
        ? await disableEndpoint(tx, scope, endpoint.id, reason)
        : null;
    return {
      deliveryId: delivery.id,
      attemptNumber: due.attemptNumber,
      status,
      responseStatus: sent.status,
      nextAttemptAt: retryAt?.toISOString() ?? null,
      disabledEndpoint,
    };
  });
}

/** Returns when the endpoint's current run of failures started (null after a success). */
async function recordEndpointHealth(
  tx: Tx,
  endpointId: string,
  result: { succeeded: boolean; failure: string | null; now: Date },
): Promise<Date | null> {
  const { now } = result;
  const values = result.succeeded
    ? { endpointId, failingSince: null, lastSuccessAt: now, updatedAt: now }
    : {
        endpointId,
        failingSince: now,
        lastFailureAt: now,
        lastError: result.failure,
        updatedAt: now,
      };
  const [health] = await tx
    .insert(webhookEndpointHealth)
    .values(values)
    .onConflictDoUpdate({
      target: webhookEndpointHealth.endpointId,
      set: result.succeeded
        ? { failingSince: null, lastSuccessAt: now, updatedAt: now }
        : {
            failingSince: sql`coalesce(${webhookEndpointHealth.failingSince}, ${now.toISOString()}::timestamptz)`,
            lastFailureAt: now,
            lastError: result.failure,
            updatedAt: now,
          },
    })
    .returning({ failingSince: webhookEndpointHealth.failingSince });
  return health?.failingSince ?? null;
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
  await tx
    .update(webhookDeliveries)
    .set({ status: "canceled", nextAttemptAt: null, lockedUntil: null, updatedAt: sql`now()` })
    .where(
      and(eq(webhookDeliveries.endpointId, endpointId), eq(webhookDeliveries.status, "scheduled")),
    );
  const [after] = await tx
    .select({ disabledAt: webhookEndpoints.disabledAt })
    .from(webhookEndpoints)
    .where(eq(webhookEndpoints.id, endpointId));
  if (!after?.disabledAt) throw new Error(`webhook endpoint ${endpointId} did not disable`);
  return { endpointId, reason, disabledAt: after.disabledAt.toISOString() };
}
