import type { DbOrTx } from "@/db/client";
import { inTransaction } from "@/db/transaction";
import { type ActingMember, changedFields, memberRef, recordMemberAudit } from "@/lib/audit/record";
import { parseInput } from "@/lib/errors";
import {
  createWebhookEndpointBodySchema,
  updateWebhookEndpointBodySchema,
} from "./endpoint-schemas";
import {
  createWebhookEndpoint,
  deleteWebhookEndpoint,
  getWebhookEndpoint,
  rotateWebhookEndpointSecret,
  updateWebhookEndpoint,
  webhookSigningSecret,
} from "./endpoints";
import { replayEvent } from "./replay";
import { sendTestEvent } from "./test-event";

/** The dashboard's endpoint form: a URL, an optional description, ticked event types. */
export async function createEndpointAsMember(
  db: DbOrTx,
  member: ActingMember,
  input: { url: unknown; description?: unknown; eventTypes: unknown[] },
) {
  const body = parseInput(
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
    await recordMemberAudit(tx, member, {
      action: "webhook_endpoint.create",
      target: { type: "webhook_endpoint", id: created.endpoint.id },
      after: { url: body.url, eventTypes: created.endpoint.eventTypes },
    });
    return created;
  });
}

export async function updateEndpointAsMember(
  db: DbOrTx,
  member: ActingMember,
  endpointId: string,
  input: { url?: unknown; description?: unknown; eventTypes?: unknown[]; disabled?: boolean },
) {
  const body = parseInput(
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
    await recordMemberAudit(tx, member, {
      action: "webhook_endpoint.update",
      target: { type: "webhook_endpoint", id: endpointId },
      ...diff,
    });
    return after;
  });
}

/** Shows the signing secret to a member who needs to configure their receiver; audited. */
export async function revealEndpointSecret(db: DbOrTx, member: ActingMember, endpointId: string) {
  return inTransaction(db, async (tx) => {
    const endpoint = await getWebhookEndpoint(tx, member.scope, endpointId);
    await recordMemberAudit(tx, member, {
      action: "webhook_endpoint.reveal_secret",
      target: { type: "webhook_endpoint", id: endpointId },
    });
    return webhookSigningSecret(endpoint);
  });
}

export async function rotateEndpointSecretAsMember(
  db: DbOrTx,
  member: ActingMember,
  endpointId: string,
) {
  return inTransaction(db, async (tx) => {
    const { secret } = await rotateWebhookEndpointSecret(tx, member.scope, endpointId);
    await recordMemberAudit(tx, member, {
      action: "webhook_endpoint.rotate_secret",
      target: { type: "webhook_endpoint", id: endpointId },
    });
    return secret;
  });
}

export async function deleteEndpointAsMember(db: DbOrTx, member: ActingMember, endpointId: string) {
  await inTransaction(db, async (tx) => {
    const before = await getWebhookEndpoint(tx, member.scope, endpointId);
    await deleteWebhookEndpoint(tx, member.scope, endpointId);
    await recordMemberAudit(tx, member, {
      action: "webhook_endpoint.delete",
      target: { type: "webhook_endpoint", id: endpointId },
      before: { url: before.url, eventTypes: before.eventTypes },
    });
  });
}

export async function replayEventAsMember(
  db: DbOrTx,
  member: ActingMember,
  params: { eventId: string; endpointId?: string },
) {
  return inTransaction(db, async (tx) => {
    const deliveries = await replayEvent(tx, member.scope, {
      eventId: params.eventId,
      endpointId: params.endpointId,
      actor: memberRef(member),
    });
    await recordMemberAudit(tx, member, {
      action: "event.replay",
      target: { type: "event", id: params.eventId },
      after: { deliveries: deliveries.map((d) => ({ id: d.id, endpointId: d.endpointId })) },
    });
    return deliveries;
  });
}

/** The dashboard's "Send test event": a signed `ping` to this endpoint alone; audited. */
export async function sendTestEventAsMember(db: DbOrTx, member: ActingMember, endpointId: string) {
  return inTransaction(db, async (tx) => {
    const delivery = await sendTestEvent(tx, member.scope, {
      endpointId,
      actor: memberRef(member),
    });
    await recordMemberAudit(tx, member, {
      action: "webhook_endpoint.test",
      target: { type: "webhook_endpoint", id: endpointId },
      after: { eventId: delivery.eventId, deliveryId: delivery.id },
    });
    return delivery;
  });
}
