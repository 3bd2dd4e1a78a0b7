import { Webhook, WebhookVerificationError } from "standardwebhooks";
import { describe, expect, it } from "vitest";
import { signWebhook } from "./signing";

const secret = `whsec_${Buffer.from("a 24-byte test secret!!!").toString("base64")}`;

describe("signWebhook", () => {
  it("produces headers a Standard Webhooks receiver accepts", () => {
    const body = JSON.stringify({ id: "evt_1", type: "payout.paid", data: {} });
    const headers = signWebhook({ secret, eventId: "evt_1", body, timestamp: new Date() });
    expect(headers["webhook-id"]).toBe("evt_1");
    expect(headers["webhook-signature"]).toMatch(/^v1,[A-Za-z0-9+/=]+$/);
    expect(new Webhook(secret).verify(body, headers)).toEqual(JSON.parse(body));
  });

  it("is rejected for a changed body or another secret", () => {
    const body = '{"id":"evt_2"}';
    const headers = signWebhook({ secret, eventId: "evt_2", body, timestamp: new Date() });
    expect(() => new Webhook(secret).verify('{"id":"evt_3"}', headers)).toThrow(
      WebhookVerificationError,
    );
    const other = `whsec_${Buffer.from("another 24-byte secret!!").toString("base64")}`;
    expect(() => new Webhook(other).verify(body, headers)).toThrow(WebhookVerificationError);
  });
});
