import { createHmac, createSecretKey, type KeyObject } from "node:crypto";

export type WebhookHeaders = {
  "webhook-id": string;
  "webhook-timestamp": string;
  "webhook-signature": string;
};

const PREFIX = "whsec_";

/**
 * Signs requests for one endpoint per Standard Webhooks: its `whsec_` secret is decoded
 * once into a key, and each request gets the three headers. `webhook-id` is the event id,
 * so it stays the same across retries and replays and a receiver can drop repeats; the
 * signature is `v1,` and the base64 HMAC-SHA256 of `{id}.{timestamp}.{body}`.
 *
 * Node's own HMAC, not the reference `standardwebhooks` library's: that one hashes in
 * JavaScript and decodes the secret per request, about a tenth of a webhook delivery's CPU
 * (decision 0016). Its output is the same byte for byte (`signing.test.ts` checks it
 * against the library), and the library still verifies in our tests and the SDK.
 */
export function webhookSigner(secret: string) {
  const key: KeyObject = createSecretKey(
    Buffer.from(secret.startsWith(PREFIX) ? secret.slice(PREFIX.length) : secret, "base64"),
  );
  if (key.symmetricKeySize === 0) throw new Error("Secret can't be empty.");
  return (eventId: string, body: string, timestamp: Date): WebhookHeaders => {
    const seconds = String(Math.floor(timestamp.getTime() / 1000));
    const signature = createHmac("sha256", key)
      .update(`${eventId}.${seconds}.${body}`, "utf8")
      .digest("base64");
    return {
      "webhook-id": eventId,
      "webhook-timestamp": seconds,
      "webhook-signature": `v1,${signature}`,
    };
  };
}

export type WebhookSigner = ReturnType<typeof webhookSigner>;
