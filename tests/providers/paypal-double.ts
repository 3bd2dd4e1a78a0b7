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

/** A Transaction Search record: `transaction_info` as PayPal reports it. */
export type PaypalTransaction = {
  transaction_id: string;
  transaction_event_code: string;
  transaction_initiation_date: string;
  transaction_updated_date: string;
  transaction_amount: { currency_code: string; value: string };
  fee_amount?: { currency_code: string; value: string };
  transaction_status: "S" | "P" | "D" | "V";
  custom_field?: string;
  paypal_reference_id?: string;
  paypal_reference_id_type?: string;
};

/** How the double's PayPal treats a receiver: as the sandbox's documented outcomes. */
export type ReceiverBehaviour = "success" | "unconfirmed" | "unclaimed" | "pending";

const checkPayouts = createRequestChecker(loadOpenApi("paypal-payouts.json"));
const checkWebhooks = createRequestChecker(loadOpenApi("paypal-webhooks.json"));
const checkReporting = createRequestChecker(loadOpenApi("paypal-reporting.json"));

/** A payout item's transaction status as Transaction Search's status code. */
const searchStatus: Record<string, PaypalTransaction["transaction_status"]> = {
  SUCCESS: "S",
  UNCLAIMED: "P",
  PENDING: "P",
  RETURNED: "V",
};

function problem(status: number, name: string, message: string) {
  return { status, body: { name, message, debug_id: randomUUID().slice(0, 13) } };
}

/**
 * PayPal's Payouts and webhook-verification APIs as documented: OAuth client
 * credentials, `PayPal-Request-Id` idempotency (the same id answers the first response
 * again), a `sender_batch_id` used once, items that end SUCCESS, FAILED (with the
 * receiver's error name), UNCLAIMED and later RETURNED, errors as `{ name, message,
 * debug_id }`, webhooks that verify only through verify-webhook-signature, and the
 * account's Transaction Search: each item that moved money is a T0001 debit carrying
 * its `sender_item_id` in `custom_field` (a return turns it V and adds a T1115 credit),
 * listed by date in pages, with the documented 31-day limit. The
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
  const nextTransaction = idSequence("TX");
  /** The account's transactions, oldest first, as Transaction Search lists them. */
  const transactions: PaypalTransaction[] = [];
  const reporting = {
    /** PayPal may answer fewer records per page than asked; the adapter must follow `total_pages`. */
    pageSize: 500,
    /** How far behind PayPal's reporting runs (it documents up to three hours). */
    lagMs: 0,
  };

  const server = await startDoubleServer({
    name: "paypal",
    check: (r) =>
      r.path.startsWith("/v1/notifications/")
        ? checkWebhooks(r)
        : r.path.startsWith("/v1/reporting/")
          ? checkReporting(r)
          : checkPayouts(r),
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
      if (request.path === "/v1/reporting/transactions") return search(request.query);
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
    for (const item of items) if (item.transaction_status !== "FAILED") recordPayment(item);
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

  /** A payout item's money leaving the account: its T0001 debit (PayPal files Payouts as MassPay). */
  function recordPayment(item: Item) {
    const now = new Date().toISOString();
    transactions.push({
      transaction_id: transactionId(),
      transaction_event_code: "T0001",
      transaction_initiation_date: now,
      transaction_updated_date: now,
      transaction_amount: {
        currency_code: item.payout_item.amount.currency,
        value: `-${item.payout_item.amount.value}`,
      },
      transaction_status: searchStatus[item.transaction_status] ?? "P",
      custom_field: item.payout_item.sender_item_id,
    });
  }

  /** A 17-character transaction id, as PayPal's are. */
  function transactionId() {
    return nextTransaction().toUpperCase().padEnd(17, "0").slice(0, 17);
  }

  function paymentOf(senderItemId: string) {
    return transactions.find(
      (t) => t.transaction_event_code === "T0001" && t.custom_field === senderItemId,
    );
  }

  /** An item's new status, in its payment's record; a return adds the T1115 refund credit. */
  function updatePayment(item: Item) {
    const payment = paymentOf(item.payout_item.sender_item_id);
    if (!payment) return;
    const now = new Date().toISOString();
    payment.transaction_status =
      item.transaction_status === "FAILED" ? "D" : (searchStatus[item.transaction_status] ?? "P");
    payment.transaction_updated_date = now;
    if (item.transaction_status === "RETURNED") {
      transactions.push({
        ...payment,
        transaction_id: transactionId(),
        transaction_event_code: "T1115",
        transaction_initiation_date: now,
        transaction_updated_date: now,
        transaction_amount: { ...payment.transaction_amount, value: item.payout_item.amount.value },
        transaction_status: "S",
        paypal_reference_id: payment.transaction_id,
        paypal_reference_id_type: "TXN",
      });
    }
  }

  /** GET /v1/reporting/transactions: records initiated in [start_date, end_date], in pages. */
  function search(query: URLSearchParams) {
    const start = new Date(query.get("start_date") ?? "");
    const end = new Date(query.get("end_date") ?? "");
    if (end.getTime() - start.getTime() > 31 * 86_400_000 || end < start) {
      return problem(
        400,
        "INVALID_REQUEST",
        "Date range is greater than 31 days or end date is before start date.",
      );
    }
    const type = query.get("transaction_type");
    const matching = transactions.filter((t) => {
      const at = new Date(t.transaction_initiation_date);
      return at >= start && at <= end && (!type || t.transaction_event_code === type);
    });
    const pageSize = Math.min(Number(query.get("page_size") ?? 100), reporting.pageSize);
    const page = Number(query.get("page") ?? 1);
    const totalPages = Math.ceil(matching.length / pageSize);
    return {
      status: 200,
      body: {
        transaction_details: matching
          .slice((page - 1) * pageSize, page * pageSize)
          .map((t) => ({ transaction_info: t })),
        account_number: "DOUBLEACCOUNT01",
        start_date: start.toISOString(),
        end_date: end.toISOString(),
        last_refreshed_datetime: new Date(Date.now() - reporting.lagMs).toISOString(),
        page,
        total_items: matching.length,
        total_pages: totalPages,
      },
    };
  }

  function transmissionSignature(id: string, time: string, webhookId: string, body: string) {
    // Hex, not base64: PayPal's document requires the signature to start with a word
    // character, which one base64 signature in 32 does not (a flaky non-conformance).
    return createHmac("sha256", signingSecret)
      .update(`${id}|${time}|${webhookId}|${body}`)
      .digest("hex");
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
    /** The account's Transaction Search records, to plant differences in. */
    transactions,
    /** How Transaction Search pages and lags. */
    reporting,
    /** The T0001 payment of a payout item, by its `sender_item_id`. */
    paymentOf(senderItemId: string) {
      const payment = paymentOf(senderItemId);
      if (!payment) throw new Error(`no payment for ${senderItemId}`);
      return payment;
    },
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
      updatePayment(item);
      return signed(eventTypes.RETURNED as string, item);
    },
    settle(senderItemId: string, status: "SUCCESS" | "FAILED") {
      const item = itemOf(senderItemId);
      item.transaction_status = status;
      updatePayment(item);
      return signed(eventTypes[status] as string, item);
    },
    signed,
  };
}

export type PaypalDouble = Awaited<ReturnType<typeof startPaypalDouble>>;
