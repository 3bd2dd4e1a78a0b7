import { Webhook } from "standardwebhooks";

export type WebhookHeaders = {
  "webhook-id": string;
  "webhook-timestamp": string;
  "webhook-signature": string;
};

/**
 * The three Standard Webhooks headers for one request. `webhook-id` is the event id, so
 * it stays the same across retries and replays and a receiver can drop repeats; the
 * signature covers `{id}.{timestamp}.{body}` with HMAC-SHA256 under the endpoint's
 * `whsec_` secret, via the reference `standardwebhooks` library so any receiver's
 * library agrees with it.
 */
export function signWebhook(input: {
  secret: string;
  eventId: string;
  body: string;
  timestamp: Date;
}): WebhookHeaders {
  const signature = new Webhook(input.secret).sign(input.eventId, input.timestamp, input.body);
  return {
    "webhook-id": input.eventId,
    "webhook-timestamp": String(Math.floor(input.timestamp.getTime() / 1000)),
    "webhook-signature": signature,
  };
}
