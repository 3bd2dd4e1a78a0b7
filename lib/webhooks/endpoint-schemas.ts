import { z } from "zod";
import type { webhookEndpoints } from "@/db/schema";
import { type EventType, subscribableEventTypeSchema } from "@/lib/events/types";
import { singleLine } from "@/lib/text";

export type WebhookEndpointRow = typeof webhookEndpoints.$inferSelect;

// The URL parser would drop line breaks silently: they are refused before it runs, so
// the URL stored is the one sent.
const url = singleLine(z.string())
  .url({ protocol: /^https?$/, error: "an absolute http(s) URL" })
  .max(2_048)
  .meta({ example: "https://example.com/webhooks/disburse" });
const description = singleLine(z.string().trim().min(1).max(500));
const eventTypes = z
  .array(subscribableEventTypeSchema)
  .max(50)
  .transform((types) => [...new Set(types)].sort())
  .meta({ description: "Event types to deliver; empty or absent means every type" });

export const createWebhookEndpointBodySchema = z
  .strictObject({ url, description: description.optional(), event_types: eventTypes.optional() })
  .meta({ id: "CreateWebhookEndpoint" });

export const updateWebhookEndpointBodySchema = z
  .strictObject({
    url: url.optional(),
    description: description.nullable().optional(),
    event_types: eventTypes.optional(),
    disabled: z
      .boolean()
      .optional()
      .meta({ description: "Stop (true) or resume (false) deliveries to this endpoint" }),
  })
  .refine((b) => Object.keys(b).length > 0, "at least one field to change")
  .meta({ id: "UpdateWebhookEndpoint" });

export type CreateWebhookEndpointBody = z.output<typeof createWebhookEndpointBodySchema>;
export type UpdateWebhookEndpointBody = z.output<typeof updateWebhookEndpointBodySchema>;

const webhookEndpointFields = {
  id: z.string().meta({ example: "we_01hx5d3k2m9v8q7w6e5r4t3y2u" }),
  object: z.literal("webhook_endpoint"),
  livemode: z.boolean(),
  url: z.string(),
  description: z.string().nullable(),
  event_types: z.array(subscribableEventTypeSchema),
  status: z.enum(["enabled", "disabled"]),
  disabled_reason: z.string().nullable(),
  disabled_at: z.iso.datetime({ offset: true }).nullable(),
  created_at: z.iso.datetime({ offset: true }),
  updated_at: z.iso.datetime({ offset: true }),
};

export const webhookEndpointResourceSchema = z
  .object(webhookEndpointFields)
  .meta({ id: "WebhookEndpoint" });

/** Only the create and rotate responses carry the secret; it is never shown again. */
export const webhookEndpointWithSecretSchema = z
  .object({
    ...webhookEndpointFields,
    secret: z.string().meta({
      description: "Signing secret (Standard Webhooks `whsec_…`). Store it now: it is shown once.",
    }),
  })
  .meta({ id: "WebhookEndpointWithSecret" });

export type WebhookEndpointResource = z.infer<typeof webhookEndpointResourceSchema>;

export function serializeWebhookEndpoint(row: WebhookEndpointRow): WebhookEndpointResource {
  return {
    id: row.id,
    object: "webhook_endpoint",
    livemode: row.mode === "live",
    url: row.url,
    description: row.description,
    // Written only through `subscribableEventTypeSchema`; the response check holds it to that.
    event_types: row.eventTypes as EventType[],
    status: row.disabledAt ? "disabled" : "enabled",
    disabled_reason: row.disabledReason,
    disabled_at: row.disabledAt?.toISOString() ?? null,
    created_at: row.createdAt.toISOString(),
    updated_at: row.updatedAt.toISOString(),
  };
}
