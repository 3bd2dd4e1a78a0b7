import { z } from "zod";
import type { DbOrTx } from "@/db/client";
import type { Scope } from "@/db/scope";
import { inTransaction } from "@/db/transaction";
import { createApiKey, revokeApiKey } from "@/lib/api-keys/keys";
import { type AuditActor, changedFields, recordAudit } from "@/lib/audit/record";
import { AppError } from "@/lib/errors";
import {
  createWebhookEndpointBodySchema,
  updateWebhookEndpointBodySchema,
} from "@/lib/webhooks/endpoint-schemas";
import {
  createWebhookEndpoint,
  deleteWebhookEndpoint,
  getWebhookEndpoint,
  rotateWebhookEndpointSecret,
  updateWebhookEndpoint,
  webhookSigningSecret,
} from "@/lib/webhooks/endpoints";
import { replayEvent } from "@/lib/webhooks/replay";

export type DeveloperMember = { scope: Scope; actor: AuditActor };

function audit(
  db: DbOrTx,
  member: DeveloperMember,
  entry: {
    action: string;
    target: { type: string; id: string };
    before?: Record<string, unknown>;
    after?: Record<string, unknown>;
  },
) {
  return recordAudit(db, {
    organisationId: member.scope.organisationId,
    mode: member.scope.mode,
    actor: member.actor,
    ...entry,
  });
}

function parse<T extends z.ZodType>(schema: T, input: unknown, what: string): z.output<T> {
  const parsed = schema.safeParse(input);
  if (!parsed.success) {
    throw new AppError("validation_failed", `The ${what} is not valid.`, {
      fieldErrors: parsed.error.issues.map((i) => ({ path: i.path.join("."), message: i.message })),
    });
  }
  return parsed.data;
}

const keyNameSchema = z.object({
  name: z
    .string()
    .trim()
    .min(1, "a name helps you tell keys apart")
    .max(100, "at most 100 characters"),
});

/** Creates a key in the member's mode; the secret is returned here once and never stored. */
export async function createApiKeyAsMember(
  db: DbOrTx,
  member: DeveloperMember,
  input: { name: unknown },
) {
  const { name } = parse(keyNameSchema, input, "API key");
  return inTransaction(db, async (tx) => {
    const created = await createApiKey(tx, {
      organisationId: member.scope.organisationId,
      mode: member.scope.mode,
      name,
      createdBy: `user:${member.actor.id}`,
    });
    await audit(tx, member, {
      action: "api_key.create",
      target: { type: "api_key", id: created.apiKey.id },
      after: { name, prefix: created.apiKey.prefix, mode: created.apiKey.mode },
    });
    return created;
  });
}

export async function revokeApiKeyAsMember(db: DbOrTx, member: DeveloperMember, keyId: string) {
  return inTransaction(db, async (tx) => {
    const key = await revokeApiKey(tx, { organisationId: member.scope.organisationId }, keyId);
    await audit(tx, member, {
      action: "api_key.revoke",
      target: { type: "api_key", id: key.id },
      after: { name: key.name, prefix: key.prefix, revokedAt: key.revokedAt },
    });
    return key;
  });
}

/** The dashboard's endpoint form: a URL, an optional description, ticked event types. */
export async function createEndpointAsMember(
  db: DbOrTx,
  member: DeveloperMember,
  input: { url: unknown; description?: unknown; eventTypes: unknown[] },
) {
  const body = parse(
    createWebhookEndpointBodySchema,
    {
      url: input.url,
      ...(input.description ? { description: input.description } : {}),
      event_types: input.eventTypes,
    },
    "webhook endpoint",
  );
  return inTransaction(db, async (tx) => {
    const created = await createWebhookEndpoint(tx, member.scope, body);
    await audit(tx, member, {
      action: "webhook_endpoint.create",
      target: { type: "webhook_endpoint", id: created.endpoint.id },
      after: { url: body.url, eventTypes: created.endpoint.eventTypes },
    });
    return created;
  });
}

export async function updateEndpointAsMember(
  db: DbOrTx,
  member: DeveloperMember,
  endpointId: string,
  input: { url?: unknown; description?: unknown; eventTypes?: unknown[]; disabled?: boolean },
) {
  const body = parse(
    updateWebhookEndpointBodySchema,
    {
      ...(input.url !== undefined ? { url: input.url } : {}),
      ...(input.description !== undefined ? { description: input.description || null } : {}),
      ...(input.eventTypes !== undefined ? { event_types: input.eventTypes } : {}),
      ...(input.disabled !== undefined ? { disabled: input.disabled } : {}),
    },
    "webhook endpoint",
  );
  return inTransaction(db, async (tx) => {
    const before = await getWebhookEndpoint(tx, member.scope, endpointId);
    const after = await updateWebhookEndpoint(tx, member.scope, endpointId, body);
    const view = (e: typeof before) => ({
      url: e.url,
      description: e.description,
      eventTypes: e.eventTypes,
      disabled: e.disabledAt !== null,
    });
    const diff = changedFields(view(before), view(after));
    await audit(tx, member, {
      action: "webhook_endpoint.update",
      target: { type: "webhook_endpoint", id: endpointId },
      ...diff,
    });
    return after;
  });
}

/** Shows the signing secret to a member who needs to configure their receiver; audited. */
export async function revealEndpointSecret(
  db: DbOrTx,
  member: DeveloperMember,
  endpointId: string,
) {
  return inTransaction(db, async (tx) => {
    const endpoint = await getWebhookEndpoint(tx, member.scope, endpointId);
    await audit(tx, member, {
      action: "webhook_endpoint.reveal_secret",
      target: { type: "webhook_endpoint", id: endpointId },
    });
    return webhookSigningSecret(endpoint);
  });
}

export async function rotateEndpointSecretAsMember(
  db: DbOrTx,
  member: DeveloperMember,
  endpointId: string,
) {
  return inTransaction(db, async (tx) => {
    const { secret } = await rotateWebhookEndpointSecret(tx, member.scope, endpointId);
    await audit(tx, member, {
      action: "webhook_endpoint.rotate_secret",
      target: { type: "webhook_endpoint", id: endpointId },
    });
    return secret;
  });
}

export async function deleteEndpointAsMember(
  db: DbOrTx,
  member: DeveloperMember,
  endpointId: string,
) {
  await inTransaction(db, async (tx) => {
    const before = await getWebhookEndpoint(tx, member.scope, endpointId);
    await deleteWebhookEndpoint(tx, member.scope, endpointId);
    await audit(tx, member, {
      action: "webhook_endpoint.delete",
      target: { type: "webhook_endpoint", id: endpointId },
      before: { url: before.url, eventTypes: before.eventTypes },
    });
  });
}

export async function replayEventAsMember(
  db: DbOrTx,
  member: DeveloperMember,
  params: { eventId: string; endpointId?: string },
) {
  return inTransaction(db, async (tx) => {
    const deliveries = await replayEvent(tx, member.scope, {
      eventId: params.eventId,
      endpointId: params.endpointId,
      actor: `user:${member.actor.id}`,
    });
    await audit(tx, member, {
      action: "event.replay",
      target: { type: "event", id: params.eventId },
      after: { deliveries: deliveries.map((d) => ({ id: d.id, endpointId: d.endpointId })) },
    });
    return deliveries;
  });
}
