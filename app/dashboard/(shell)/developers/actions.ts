"use server";

import { revalidatePath } from "next/cache";
import { redirect } from "next/navigation";
import { db } from "@/db/client";
import { inngest, webhookDeliveriesDue } from "@/inngest/client";
import { wakeDeliveryLoop } from "@/inngest/relay";
import { createApiKeyAsMember, revokeApiKeyAsMember } from "@/lib/api-keys/member-actions";
import {
  createEndpointAsMember,
  deleteEndpointAsMember,
  replayEventAsMember,
  revealEndpointSecret,
  rotateEndpointSecretAsMember,
  sendTestEventAsMember,
  updateEndpointAsMember,
} from "@/lib/webhooks/member-actions";
import { successState } from "../../_lib/action-state";
import { memberAction } from "../../_lib/member-action";

const text = (form: FormData, name: string) => String(form.get(name) ?? "");

export const createApiKeyAction = memberAction("api_keys.manage", async (member, form) => {
  const { secret } = await createApiKeyAsMember(db, member, { name: text(form, "name") });
  revalidatePath("/dashboard/developers");
  return successState("Key created. Copy it now: it will not be shown again.", { secret });
});

export const revokeApiKeyAction = memberAction("api_keys.manage", async (member, form) => {
  await revokeApiKeyAsMember(db, member, text(form, "keyId"));
  revalidatePath("/dashboard/developers");
  return successState("Key revoked. Requests with it now fail.");
});

export const createEndpointAction = memberAction("webhooks.manage", async (member, form) => {
  const { secret } = await createEndpointAsMember(db, member, {
    url: text(form, "url"),
    description: text(form, "description"),
    eventTypes: form.getAll("eventTypes"),
  });
  revalidatePath("/dashboard/developers/webhooks");
  return successState(
    "Endpoint added. Its signing secret is below; you can reveal it again on the endpoint's page.",
    { secret },
  );
});

export const updateEndpointAction = memberAction("webhooks.manage", async (member, form) => {
  const id = text(form, "endpointId");
  await updateEndpointAsMember(db, member, id, {
    url: text(form, "url"),
    description: text(form, "description"),
    eventTypes: form.getAll("eventTypes"),
  });
  revalidatePath(`/dashboard/developers/webhooks/${id}`);
  return successState("Saved.");
});

export const toggleEndpointAction = memberAction("webhooks.manage", async (member, form) => {
  const id = text(form, "endpointId");
  const disabled = text(form, "disabled") === "true";
  await updateEndpointAsMember(db, member, id, { disabled });
  revalidatePath(`/dashboard/developers/webhooks/${id}`);
  return successState(disabled ? "Deliveries paused." : "Deliveries resumed.");
});

export const revealSecretAction = memberAction("webhooks.manage", async (member, form) => {
  const secret = await revealEndpointSecret(db, member, text(form, "endpointId"));
  return successState("Signing secret (this reveal is in the audit log):", { secret });
});

export const rotateSecretAction = memberAction("webhooks.manage", async (member, form) => {
  const secret = await rotateEndpointSecretAsMember(db, member, text(form, "endpointId"));
  return successState("Secret rotated. Deliveries are signed with the new one from now on:", {
    secret,
  });
});

export const deleteEndpointAction = memberAction("webhooks.manage", async (member, form) => {
  await deleteEndpointAsMember(db, member, text(form, "endpointId"));
  revalidatePath("/dashboard/developers/webhooks");
  redirect("/dashboard/developers/webhooks");
});

export const replayEventAction = memberAction("webhooks.manage", async (member, form) => {
  const endpointId = text(form, "endpointId") || undefined;
  const deliveries = await replayEventAsMember(db, member, {
    eventId: text(form, "eventId"),
    endpointId,
  });
  // The delivery sweep would find them within a minute; a nudge sends them now.
  await inngest
    .send(webhookDeliveriesDue.create({ reason: "dashboard replay" }))
    .catch(() => undefined);
  revalidatePath("/dashboard/developers", "layout");
  return successState(
    `Replay queued to ${deliveries.length} endpoint${deliveries.length === 1 ? "" : "s"}.`,
  );
});

export const sendTestEventAction = memberAction("webhooks.manage", async (member, form) => {
  const id = text(form, "endpointId");
  await sendTestEventAsMember(db, member, id);
  await wakeDeliveryLoop("dashboard test event");
  revalidatePath(`/dashboard/developers/webhooks/${id}`);
  return successState("Test event sent. Its delivery shows under Deliveries in a moment.");
});
