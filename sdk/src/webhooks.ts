import { Webhook } from "standardwebhooks";
import type { webhooks } from "./schema";

/** Every event a webhook endpoint can receive, discriminated by `type`. */
export type WebhookEvent = {
  [T in keyof webhooks]: NonNullable<
    webhooks[T]["post"]
  >["requestBody"]["content"]["application/json"];
}[keyof webhooks];

export type WebhookEventType = WebhookEvent["type"];

/** The event of one type, e.g. `WebhookEventOf<"payout.paid">`. */
export type WebhookEventOf<T extends WebhookEventType> = Extract<WebhookEvent, { type: T }>;

/**
 * Verifies a delivery per Standard Webhooks (`webhook-id`, `webhook-timestamp`,
 * `webhook-signature`, HMAC-SHA256 with the endpoint's `whsec_…` secret, timestamps
 * within 5 minutes) and returns its event. Pass the raw body, before any JSON parsing.
 * Throws when the signature or timestamp does not verify.
 */
export function verifyWebhook(
  payload: string | Buffer,
  headers: Headers | Record<string, string | string[] | undefined>,
  secret: string,
): WebhookEvent {
  const flat: Record<string, string> = {};
  if (headers instanceof Headers) {
    headers.forEach((value, name) => {
      flat[name] = value;
    });
  } else {
    for (const [name, value] of Object.entries(headers)) {
      if (value !== undefined)
        flat[name.toLowerCase()] = Array.isArray(value) ? value.join(",") : value;
    }
  }
  return new Webhook(secret).verify(payload, flat) as WebhookEvent;
}
