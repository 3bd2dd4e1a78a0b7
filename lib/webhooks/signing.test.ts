import fc from "fast-check";
import { Webhook, WebhookVerificationError } from "standardwebhooks";
import { describe, expect, it } from "vitest";
import { webhookSigner } from "./signing";

const secret = `whsec_${Buffer.from("a 24-byte test secret!!!").toString("base64")}`;

describe("webhookSigner", () => {
  it("produces headers a Standard Webhooks receiver accepts", () => {
    const body = JSON.stringify({ id: "evt_1", type: "payout.paid", data: {} });
    const headers = webhookSigner(secret)("evt_1", body, new Date());
    expect(headers["webhook-id"]).toBe("evt_1");
    expect(headers["webhook-signature"]).toMatch(/^v1,[A-Za-z0-9+/=]+$/);
    expect(new Webhook(secret).verify(body, headers)).toEqual(JSON.parse(body));
  });

  it("is rejected for a changed body or another secret", () => {
    const body = '{"id":"evt_2"}';
    const headers = webhookSigner(secret)("evt_2", body, new Date());
    expect(() => new Webhook(secret).verify('{"id":"evt_3"}', headers)).toThrow(
      WebhookVerificationError,
    );
    const other = `whsec_${Buffer.from("another 24-byte secret!!").toString("base64")}`;
    expect(() => new Webhook(other).verify(body, headers)).toThrow(WebhookVerificationError);
  });

  it("signs exactly as the reference standardwebhooks library, for any id, body and time", () => {
    fc.assert(
      fc.property(
        fc.uint8Array({ minLength: 1, maxLength: 64 }),
        fc.string({ minLength: 1, maxLength: 40 }),
        fc.string({ unit: "binary", maxLength: 2_000 }),
        fc.date({ min: new Date(0), max: new Date("2100-01-01"), noInvalidDate: true }),
        (key, eventId, body, timestamp) => {
          const whsec = `whsec_${Buffer.from(key).toString("base64")}`;
          const headers = webhookSigner(whsec)(eventId, body, timestamp);
          expect(headers["webhook-signature"]).toBe(
            new Webhook(whsec).sign(eventId, timestamp, body),
          );
          expect(headers["webhook-timestamp"]).toBe(String(Math.floor(timestamp.getTime() / 1000)));
          expect(headers["webhook-id"]).toBe(eventId);
        },
      ),
      { numRuns: 300 },
    );
  });

  it("refuses an empty secret, as the library does", () => {
    expect(() => webhookSigner("whsec_")).toThrow(/empty/);
  });
});
