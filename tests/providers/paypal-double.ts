import { createHmac, randomUUID } from "node:crypto";
import { idSequence, startDoubleServer } from "./double-server";
import { createRequestChecker, loadOpenApi } from "./openapi-requests";

type Item = {
  payout_item_id: string;
  transaction_status: string;
  payout_batch_id: string;
  payout_item: {
    recipient_type: string;
    amount: { value: string; currency: string };
    receiver: string;
    sender_item_id: string;
    recipient_wallet: string;
  };
  errors?: { name: string; message: string };
  time_processed?: string;
};
type Batch = {
  batch_header: {
    payout_batch_id: string;
    batch_status: string;
    time_created: string;
    sender_batch_header: { sender_batch_id: string; email_subject?: string };
  };
  items: Item[];
};

/** How the double's PayPal treats a receiver: as the sandbox's documented outcomes. */
export type ReceiverBehaviour = "success" | "unconfirmed" | "unclaimed" | "pending";

const checkPayouts = createRequestChecker(loadOpenApi("paypal-payouts.json"));
const checkWebhooks = createRequestChecker(loadOpenApi("paypal-webhooks.json"));

function problem(status: number, name: string, message: string) {
  return { status, body: { name, message, debug_id: randomUUID().slice(0, 13) } };
}

/**
 * PayPal's Payouts and webhook-verification APIs as documented: OAuth client
 * credentials, `PayPal-Request-Id` idempotency (the same id answers the first response
 * again), a `sender_batch_id` used once, items that end SUCCESS, FAILED (with the
 * receiver's error name), UNCLAIMED and later RETURNED, errors as `{ name, message,
 * debug_id }`, and webhooks that verify only through verify-webhook-signature. The
 * double signs its transmissions with a secret of its own, standing in for PayPal's
 * certificate.
 */
export async function startPaypalDouble(options: {
  clientId: string;
  clientSecret: string;
  webhookId: string;
}) {
  const batches = new Map<string, Batch>();
  const byRequestId = new Map<string, { body: string; status: number; response: unknown }>();
  const senderBatchIds = new Set<string>();
  const behaviours = new Map<string, ReceiverBehaviour>();
  const tokens = new Set<string>();
  const signingSecret = randomUUID();
  const nextBatch = idSequence("PB");
  const nextItem = idSequence("PI");
  const nextEvent = idSequence("WH-");

  const server = await startDoubleServer({
    name: "paypal",
    check: (r) => (r.path.startsWith("/v1/notifications/") ? checkWebhooks(r) : checkPayouts(r)),
    unchecked: (r) => r.path === "/v1/oauth2/token",
    parseBody: (r) =>
      r.contentType?.startsWith("application/json") && r.rawBody ? JSON.parse(r.rawBody) : {},
    invalid: (problems) => problem(400, "VALIDATION_ERROR", problems.join("; ")),
    handle(request) {
      if (request.path === "/v1/oauth2/token") {
        const expected = `Basic ${Buffer.from(`${options.clientId}:${options.clientSecret}`).toString("base64")}`;
        if (request.header("authorization") !== expected) {
          return {
            status: 401,
            body: { error: "invalid_client", error_description: "Client Authentication failed" },
          };
        }
        const token = `A21AA${randomUUID().replace(/-/g, "")}`;
        tokens.add(token);
        return {
          status: 200,
          body: {
            scope: "https://uri.paypal.com/services/payouts",
            access_token: token,
            token_type: "Bearer",
            app_id: "APP-double",
            expires_in: 32400,
            nonce: randomUUID(),
          },
        };
      }
      const bearer = request.header("authorization")?.replace(/^Bearer /, "");
      if (!bearer || !tokens.has(bearer)) {
        return problem(
          401,
          "AUTHENTICATION_FAILURE",
          "Authentication failed due to invalid authentication credentials or a missing Authorization header.",
        );
      }
      if (request.path === "/v1/notifications/verify-webhook-signature") {
        const body = request.body as Record<string, string> & { webhook_event: unknown };
        const field = (name: string) => String(body[name] ?? "");
        const expected = transmissionSignature(
          field("transmission_id"),
          field("transmission_time"),
          field("webhook_id"),
          JSON.stringify(body.webhook_event),
        );
        const ok = body.webhook_id === options.webhookId && body.transmission_sig === expected;
        return { status: 200, body: { verification_status: ok ? "SUCCESS" : "FAILURE" } };
      }
      if (request.method === "POST" && request.path === "/v1/payments/payouts") {
        const requestId = request.header("paypal-request-id");
        if (requestId) {
          const seen = byRequestId.get(requestId);
          if (seen) return { status: seen.status, body: seen.response };
        }
        const answer = createBatch(request.body as Record<string, unknown>);
        if (requestId && answer.status < 500) {
          byRequestId.set(requestId, {
            body: request.rawBody,
            status: answer.status,
            response: answer.body,
          });
        }
        return answer;
      }
      const id = request.path.split("/").at(-1) ?? "";
      const batch = batches.get(id);
      if (request.method === "GET" && batch) return { status: 200, body: batch };
      return problem(404, "RESOURCE_NOT_FOUND", "The specified resource does not exist.");
    },
  });

  function createBatch(body: Record<string, unknown>) {
    const header = body.sender_batch_header as { sender_batch_id: string; email_subject?: string };
    if (senderBatchIds.has(header.sender_batch_id)) {
      return problem(400, "USER_BUSINESS_ERROR", "Batch with given sender_batch_id already exists");
    }
    senderBatchIds.add(header.sender_batch_id);
    const batchId = nextBatch();
    const items = (body.items as Item["payout_item"][]).map((item): Item => {
      const behaviour = behaviours.get(item.receiver) ?? "success";
      const status = {
        success: "SUCCESS",
        unconfirmed: "FAILED",
        unclaimed: "UNCLAIMED",
        pending: "PENDING",
      }[behaviour];
      return {
        payout_item_id: nextItem(),
        transaction_status: status,
        payout_batch_id: batchId,
        payout_item: { ...item },
        ...(behaviour === "unconfirmed" && {
          errors: { name: "RECEIVER_UNCONFIRMED", message: "Receiver's account is unconfirmed." },
        }),
        time_processed: new Date().toISOString(),
      };
    });
    const batch: Batch = {
      batch_header: {
        payout_batch_id: batchId,
        batch_status: "PENDING",
        time_created: new Date().toISOString(),
        sender_batch_header: header,
      },
      items,
    };
    batches.set(batchId, batch);
    return {
      status: 201,
      body: {
        batch_header: batch.batch_header,
        links: [
          {
            href: `https://api-m.paypal.com/v1/payments/payouts/${batchId}`,
            rel: "self",
            method: "GET",
          },
        ],
      },
    };
  }

  function transmissionSignature(id: string, time: string, webhookId: string, body: string) {
    return createHmac("sha256", signingSecret)
      .update(`${id}|${time}|${webhookId}|${body}`)
      .digest("base64");
  }

  /** A webhook as PayPal delivers it: the event and the transmission headers. */
  function signed(eventType: string, resource: Item) {
    const event = {
      id: nextEvent(),
      event_version: "1.0",
      create_time: new Date().toISOString(),
      resource_type: "payouts_item",
      event_type: eventType,
      summary: `Payout item ${eventType}`,
      resource,
    };
    const rawBody = JSON.stringify(event);
    const transmissionId = randomUUID();
    const time = new Date().toISOString();
    return {
      id: event.id,
      rawBody,
      headers: new Headers({
        "paypal-auth-algo": "SHA256withRSA",
        "paypal-cert-url": "https://api-m.paypal.com/v1/notifications/certs/CERT-double",
        "paypal-transmission-id": transmissionId,
        "paypal-transmission-time": time,
        "paypal-transmission-sig": transmissionSignature(
          transmissionId,
          time,
          options.webhookId,
          JSON.stringify(event),
        ),
      }),
    };
  }

  function itemOf(senderItemId: string): Item {
    for (const batch of batches.values()) {
      const item = batch.items.find((i) => i.payout_item.sender_item_id === senderItemId);
      if (item) return item;
    }
    throw new Error(`no payout item for ${senderItemId}`);
  }

  const eventTypes: Record<string, string> = {
    SUCCESS: "PAYMENT.PAYOUTS-ITEM.SUCCEEDED",
    FAILED: "PAYMENT.PAYOUTS-ITEM.FAILED",
    UNCLAIMED: "PAYMENT.PAYOUTS-ITEM.UNCLAIMED",
    RETURNED: "PAYMENT.PAYOUTS-ITEM.RETURNED",
  };

  return {
    ...server,
    batches,
    /** What PayPal does with payouts to this receiver. */
    receiver(email: string, behaviour: ReceiverBehaviour) {
      behaviours.set(email, behaviour);
    },
    /** Payments made: items that reached a receiver or wait for them (not failed ones). */
    payments() {
      return [...batches.values()]
        .flatMap((b) => b.items)
        .filter((i) => i.transaction_status !== "FAILED");
    },
    /** The webhook for an item's current status. */
    webhookFor(senderItemId: string) {
      const item = itemOf(senderItemId);
      return signed(eventTypes[item.transaction_status] ?? "PAYMENT.PAYOUTS-ITEM.PENDING", item);
    },
    /** An unclaimed item after its 30 days: back to the sender. */
    returnUnclaimed(senderItemId: string) {
      const item = itemOf(senderItemId);
      item.transaction_status = "RETURNED";
      return signed(eventTypes.RETURNED as string, item);
    },
    settle(senderItemId: string, status: "SUCCESS" | "FAILED") {
      const item = itemOf(senderItemId);
      item.transaction_status = status;
      return signed(eventTypes[status] as string, item);
    },
    signed,
  };
}

export type PaypalDouble = Awaited<ReturnType<typeof startPaypalDouble>>;
