import { randomBytes } from "node:crypto";
import type { LookupFunction } from "node:net";
import { and, arrayContains, desc, eq, inArray, isNull, lt, or, sql } from "drizzle-orm";
import type { DbOrTx } from "@/db/client";
import { splitPage } from "@/db/paging";
import { webhookDeliveries, webhookEndpoints } from "@/db/schema";
import { type Scope, tenantWhere } from "@/db/scope";
import { open, seal } from "@/lib/crypto/secret-box";
import { AppError } from "@/lib/errors";
import type { EventType } from "@/lib/events/types";
import { newId } from "@/lib/ids";
import { refusalForUrl } from "./address-policy";
import type {
  CreateWebhookEndpointBody,
  UpdateWebhookEndpointBody,
  WebhookEndpointRow,
} from "./endpoint-schemas";

export const MAX_ENDPOINTS_PER_MODE = 16;

/** Standard Webhooks secrets: `whsec_` + base64 of 24 random bytes (192 bits). */
function newSigningSecret(): string {
  return `whsec_${randomBytes(24).toString("base64")}`;
}

const sealContext = (id: string) => `webhook_endpoint:${id}`;

function scoped(scope: Scope) {
  return [tenantWhere(webhookEndpoints, scope)];
}

export type EndpointUrlOptions = {
  /** Resolves the URL's host for the address check; `dns.lookup` unless given. */
  lookup?: LookupFunction;
};

/**
 * Live deliveries carry real payout data, so they only go over TLS; and no delivery may
 * reach an internal address (lib/webhooks/address-policy.ts). Checked again on every
 * delivery, against the addresses the host resolves to then.
 */
async function assertUrlAllowed(
  scope: Scope,
  url: string,
  options: EndpointUrlOptions,
): Promise<void> {
  if (scope.mode === "live" && !url.startsWith("https://")) {
    throw new AppError("validation_failed", "Live-mode webhook endpoints must use https.", {
      fieldErrors: [{ path: "url", message: "expected an https:// URL in live mode" }],
    });
  }
  const refusal = await refusalForUrl(url, scope.mode, options.lookup);
  if (refusal) {
    const where = scope.mode === "test" ? " (test mode allows loopback only)" : "";
    throw new AppError(
      "validation_failed",
      `Webhook endpoints may not point at internal addresses: the URL's host is or resolves to ${refusal}${where}.`,
      { fieldErrors: [{ path: "url", message: `the host is or resolves to ${refusal}` }] },
    );
  }
}

function notFound(id: string): AppError {
  return new AppError("not_found", `No such webhook endpoint: ${id}`);
}

export async function createWebhookEndpoint(
  db: DbOrTx,
  scope: Scope,
  body: CreateWebhookEndpointBody,
  options: EndpointUrlOptions = {},
): Promise<{ endpoint: WebhookEndpointRow; secret: string }> {
  await assertUrlAllowed(scope, body.url, options);
  const [existing] = await db
    .select({ n: sql<number>`count(*)::int` })
    .from(webhookEndpoints)
    .where(and(...scoped(scope)));
  if ((existing?.n ?? 0) >= MAX_ENDPOINTS_PER_MODE) {
    throw new AppError(
      "conflict",
      `An organisation can have at most ${MAX_ENDPOINTS_PER_MODE} webhook endpoints per mode; delete one first.`,
    );
  }
  const id = newId("webhookEndpoint");
  const secret = newSigningSecret();
  const [endpoint] = await db
    .insert(webhookEndpoints)
    .values({
      id,
      organisationId: scope.organisationId,
      mode: scope.mode,
      url: body.url,
      description: body.description ?? null,
      eventTypes: body.event_types ?? [],
      secretCiphertext: seal(secret, sealContext(id)),
    })
    .returning();
  return { endpoint: endpoint as WebhookEndpointRow, secret };
}

export async function getWebhookEndpoint(
  db: DbOrTx,
  scope: Scope,
  id: string,
): Promise<WebhookEndpointRow> {
  const [row] = await db
    .select()
    .from(webhookEndpoints)
    .where(and(...scoped(scope), eq(webhookEndpoints.id, id)));
  if (!row) throw notFound(id);
  return row;
}

export async function listWebhookEndpoints(
  db: DbOrTx,
  scope: Scope,
  params: { limit: number; startingAfter?: string },
): Promise<{ data: WebhookEndpointRow[]; hasMore: boolean }> {
  const conditions = scoped(scope);
  if (params.startingAfter) conditions.push(lt(webhookEndpoints.id, params.startingAfter));
  const rows = await db
    .select()
    .from(webhookEndpoints)
    .where(and(...conditions))
    .orderBy(desc(webhookEndpoints.id))
    .limit(params.limit + 1);
  return splitPage(rows, params.limit);
}

export async function updateWebhookEndpoint(
  db: DbOrTx,
  scope: Scope,
  id: string,
  body: UpdateWebhookEndpointBody,
  options: EndpointUrlOptions = {},
): Promise<WebhookEndpointRow> {
  if (body.url !== undefined) await assertUrlAllowed(scope, body.url, options);
  if (body.disabled === true) {
    // Paused by a member: what was scheduled for it is canceled with it, in one statement.
    return db.transaction(async (tx) => {
      const row = await applyEndpointUpdate(tx, scope, id, body);
      await cancelEndpointBacklog(tx, row.id);
      return row;
    });
  }
  return applyEndpointUpdate(db, scope, id, body);
}

async function applyEndpointUpdate(
  db: DbOrTx,
  scope: Scope,
  id: string,
  body: UpdateWebhookEndpointBody,
): Promise<WebhookEndpointRow> {
  const [row] = await db
    .update(webhookEndpoints)
    .set({
      ...(body.url !== undefined ? { url: body.url } : {}),
      ...(body.description !== undefined ? { description: body.description } : {}),
      ...(body.event_types !== undefined ? { eventTypes: body.event_types } : {}),
      ...(body.disabled === true
        ? {
            disabledAt: sql`coalesce(${webhookEndpoints.disabledAt}, now())`,
            disabledReason: sql`coalesce(${webhookEndpoints.disabledReason}, 'disabled_by_user')`,
          }
        : {}),
      ...(body.disabled === false ? { disabledAt: null, disabledReason: null } : {}),
      updatedAt: sql`now()`,
    })
    .where(and(...scoped(scope), eq(webhookEndpoints.id, id)))
    .returning();
  if (!row) throw notFound(id);
  return row;
}

export async function deleteWebhookEndpoint(db: DbOrTx, scope: Scope, id: string): Promise<void> {
  const deleted = await db
    .delete(webhookEndpoints)
    .where(and(...scoped(scope), eq(webhookEndpoints.id, id)))
    .returning({ id: webhookEndpoints.id });
  if (deleted.length === 0) throw notFound(id);
}

/** Replaces the signing secret at once; deliveries from now on are signed with the new one. */
export async function rotateWebhookEndpointSecret(
  db: DbOrTx,
  scope: Scope,
  id: string,
): Promise<{ endpoint: WebhookEndpointRow; secret: string }> {
  const secret = newSigningSecret();
  const [endpoint] = await db
    .update(webhookEndpoints)
    .set({ secretCiphertext: seal(secret, sealContext(id)), updatedAt: sql`now()` })
    .where(and(...scoped(scope), eq(webhookEndpoints.id, id)))
    .returning();
  if (!endpoint) throw notFound(id);
  return { endpoint, secret };
}

/** The plaintext `whsec_…` secret, for signing a delivery. Never log or return it. */
export function webhookSigningSecret(endpoint: WebhookEndpointRow): string {
  return open(endpoint.secretCiphertext, sealContext(endpoint.id));
}

/** Enabled endpoints that subscribe to `type` (an empty filter subscribes to everything). */
export async function endpointsForEvent(
  db: DbOrTx,
  scope: Scope,
  type: EventType,
): Promise<WebhookEndpointRow[]> {
  return db
    .select()
    .from(webhookEndpoints)
    .where(
      and(
        ...scoped(scope),
        isNull(webhookEndpoints.disabledAt),
        or(
          sql`cardinality(${webhookEndpoints.eventTypes}) = 0`,
          arrayContains(webhookEndpoints.eventTypes, [type]),
        ),
      ),
    )
    .orderBy(webhookEndpoints.id);
}

/** For delivery: stop sending to an endpoint that keeps failing, and say why. */
export async function disableWebhookEndpoint(
  db: DbOrTx,
  scope: Scope,
  id: string,
  reason: string,
): Promise<void> {
  await db
    .update(webhookEndpoints)
    .set({ disabledAt: sql`now()`, disabledReason: reason, updatedAt: sql`now()` })
    .where(and(...scoped(scope), eq(webhookEndpoints.id, id), isNull(webhookEndpoints.disabledAt)));
}

/**
 * Cancels everything still scheduled for a disabled endpoint, in one statement however
 * long its backlog. A delivery that a sender holds right now is left to it (logging the
 * attempt cancels its retry), except `heldBy`, the caller's own.
 */
export async function cancelEndpointBacklog(
  db: DbOrTx,
  endpointId: string,
  now = new Date(),
  heldBy: string[] = [],
): Promise<void> {
  await db
    .update(webhookDeliveries)
    .set({
      status: "canceled",
      nextAttemptAt: null,
      lockedUntil: null,
      sendingAttempt: null,
      updatedAt: now,
    })
    .where(
      and(
        eq(webhookDeliveries.endpointId, endpointId),
        eq(webhookDeliveries.status, "scheduled"),
        or(
          isNull(webhookDeliveries.lockedUntil),
          lt(webhookDeliveries.lockedUntil, now),
          heldBy.length > 0 ? inArray(webhookDeliveries.id, heldBy) : undefined,
        ),
      ),
    );
}
