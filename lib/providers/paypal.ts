import https from "node:https";
import net from "node:net";
import tls from "node:tls";
import {
  ApiError,
  Client,
  Environment,
  type TransactionInformation,
  TransactionSearchController,
} from "@paypal/paypal-server-sdk";
import { z } from "zod";
import { formatMajorAmount, parseMajorAmount } from "@/lib/decimal-amount";
import { type Currency, currencySchema } from "@/lib/money";
import { type ProviderFailureCode, reasonText } from "./reasons";
import {
  type InboundWebhook,
  type LivePayoutProvider,
  type PollResult,
  type ProviderRecord,
  ProviderUnavailableError,
  type ProviderWebhookEvent,
  type SubmitResult,
  WebhookSignatureError,
} from "./types";

export const paypalCredentialsSchema = z.object({
  clientId: z.string().trim().min(10, "the REST app's client id"),
  clientSecret: z.string().trim().min(10, "the REST app's secret"),
  webhookId: z
    .string()
    .trim()
    .regex(/^[A-Za-z0-9]{5,50}$/, "the webhook's id from the PayPal developer dashboard"),
});
export type PaypalCredentials = z.infer<typeof paypalCredentialsSchema>;

export type PaypalSettings = {
  environment?: "live" | "sandbox";
  /** Another origin for PayPal's API; PayPal's own for the environment by default. */
  apiBaseUrl?: string;
};

/**
 * PayPal's SDK fixes its hosts per environment and has no base-URL option, so another
 * origin is reached by opening the SDK's HTTPS connections there: the requests (paths,
 * headers, the OAuth token call) stay exactly what the SDK sends.
 */
class OriginAgent extends https.Agent {
  constructor(private readonly origin: URL) {
    super({ keepAlive: true });
  }
  override createConnection(
    _options: unknown,
    callback?: (error: Error | null, socket: net.Socket) => void,
  ) {
    const port = Number(this.origin.port || (this.origin.protocol === "https:" ? 443 : 80));
    const host = this.origin.hostname;
    const socket =
      this.origin.protocol === "https:"
        ? tls.connect({ host, port, servername: host })
        : net.connect(port, host);
    callback?.(null, socket);
    return socket;
  }
}

const itemErrorCodes: Record<string, ProviderFailureCode> = {
  RECEIVER_UNCONFIRMED: "recipient_account_unconfirmed",
  RECEIVER_UNREGISTERED: "recipient_account_unconfirmed",
  RECEIVER_YOUTH_ACCOUNT: "recipient_account_unconfirmed",
  RECEIVER_ACCOUNT_LOCKED: "recipient_account_closed",
  RECEIVER_ACCOUNT_CLOSED: "recipient_account_closed",
  RECEIVER_COUNTRY_NOT_ALLOWED: "country_not_supported",
  RECEIVER_REFUSED: "recipient_account_closed",
  RECEIVING_LIMIT_EXCEEDED: "recipient_limit_exceeded",
  CURRENCY_NOT_SUPPORTED_FOR_RECEIVER: "recipient_account_unconfirmed",
  INSUFFICIENT_FUNDS: "provider_insufficient_funds",
  CURRENCY_COMPLIANCE: "currency_not_supported",
  NON_HOLDING_CURRENCY: "currency_not_supported",
  AUTHORIZATION_ERROR: "provider_auth_failed",
  PERMISSION_DENIED: "provider_auth_failed",
};

function codeOf(name: string | undefined): ProviderFailureCode {
  return (name && itemErrorCodes[name]) || "provider_rejected";
}

const moneySchema = z.object({ value: z.string(), currency: z.string() });

const itemSchema = z.object({
  payout_item_id: z.string(),
  transaction_status: z.string().optional(),
  payout_batch_id: z.string().optional(),
  payout_item: z
    .object({ sender_item_id: z.string().optional(), amount: moneySchema.optional() })
    .optional(),
  time_processed: z.string().optional(),
  errors: z.object({ name: z.string().optional(), message: z.string().optional() }).optional(),
});

const batchSchema = z.object({
  batch_header: z.object({
    payout_batch_id: z.string(),
    batch_status: z.string(),
    sender_batch_header: z.object({ sender_batch_id: z.string().optional() }).optional(),
    time_created: z.string().optional(),
  }),
  items: z.array(itemSchema).optional(),
});

const errorSchema = z.object({ name: z.string().optional(), message: z.string().optional() });

/** An item's transaction status, as our outcome. UNCLAIMED counts as paid: the money left us and waits for the recipient at PayPal; a later RETURNED gives it back. */
function statusOfItem(item: z.infer<typeof itemSchema>): PollResult {
  switch (item.transaction_status) {
    case "SUCCESS":
    case "UNCLAIMED":
      return { status: "paid" };
    case "RETURNED":
      return {
        status: "returned",
        failureCode: "returned_unclaimed",
        failureReason: reasonText("returned_unclaimed", "PayPal"),
      };
    case "FAILED":
    case "BLOCKED":
    case "DENIED":
    case "REFUNDED":
    case "REVERSED": {
      const failureCode = codeOf(item.errors?.name);
      return { status: "failed", failureCode, failureReason: reasonText(failureCode, "PayPal") };
    }
    default:
      return { status: "processing" };
  }
}

/** Transaction Search answers at most 31 days per request and 500 records per page. */
const SEARCH_WINDOW_MS = 31 * 86_400_000;
const SEARCH_PAGE_SIZE = 500;
/** The event code of a payout item's payment (PayPal files Payouts under MassPay). */
const PAYOUT_EVENT_CODE = "T0001";

/**
 * A Transaction Search status as our outcome: S completed, P pending (also an unclaimed
 * item waiting for its recipient), D denied, V reversed and refunded to us (a returned
 * or reversed item; the refund itself is a separate T1114/T1115 credit).
 */
const searchStatuses: Record<string, PollResult["status"]> = {
  S: "paid",
  P: "processing",
  D: "failed",
  V: "returned",
};

/**
 * One payout item's payment as Transaction Search shows it: the T0001 debit, whose
 * `custom_field` holds the item's unique id (our `sender_item_id`) and whose amount is
 * negative (money left the account). Other event codes are not payments of ours.
 */
function recordOfTransaction(info: TransactionInformation): ProviderRecord | null {
  if (info.transactionEventCode !== PAYOUT_EVENT_CODE || !info.transactionAmount) return null;
  const money = paypalAmount({
    value: info.transactionAmount.value.replace(/^-/, ""),
    currency: info.transactionAmount.currencyCode,
  });
  if (!money || !info.transactionId || !info.transactionInitiationDate) return null;
  return {
    providerReference: info.transactionId,
    submissionId: info.customField || null,
    amount: money.amount,
    currency: money.currency,
    status: searchStatuses[info.transactionStatus ?? ""] ?? "processing",
    createdAt: new Date(info.transactionInitiationDate),
  };
}

export function paypalClient(credentials: PaypalCredentials, settings: PaypalSettings = {}) {
  return new Client({
    environment: settings.environment === "sandbox" ? Environment.Sandbox : Environment.Production,
    timeout: 20_000,
    clientCredentialsAuthCredentials: {
      oAuthClientId: credentials.clientId,
      oAuthClientSecret: credentials.clientSecret,
    },
    httpClientOptions: {
      timeout: 20_000,
      retryConfig: { maxNumberOfRetries: 0 },
      ...(settings.apiBaseUrl && { httpsAgent: new OriginAgent(new URL(settings.apiBaseUrl)) }),
    },
  });
}

/**
 * PayPal and Venmo payouts through the Payouts API. The SDK (2.5) has no Payouts
 * controller, so the calls are built on its own request builder: its OAuth client
 * credentials, HTTP client and error types. One batch per submission, with
 * `sender_batch_id` and `sender_item_id` the submission id and `PayPal-Request-Id` the
 * same id, so a retry gets the original batch back instead of a second payment.
 */
export function createPaypalProvider(
  credentials: PaypalCredentials,
  settings: PaypalSettings = {},
): LivePayoutProvider {
  const client = paypalClient(credentials, settings);
  const request = client.getRequestBuilderFactory();
  const transactionSearch = new TransactionSearchController(client);

  /** One page of Transaction Search, with PayPal's refusals told apart from its outages. */
  async function searchPage(from: Date, to: Date, page: number) {
    try {
      const { result } = await transactionSearch.searchTransactions({
        startDate: from.toISOString(),
        endDate: to.toISOString(),
        transactionType: PAYOUT_EVENT_CODE,
        fields: "transaction_info",
        pageSize: SEARCH_PAGE_SIZE,
        page,
      });
      return result;
    } catch (error) {
      if (error instanceof ApiError && error.statusCode < 500 && error.statusCode !== 429) {
        const parsed = errorSchema.safeParse(jsonOrNull(error.body));
        throw new Error(
          `PayPal refused the transaction search (${error.statusCode} ${parsed.data?.name ?? ""}); the REST app needs the Transaction Search permission.`,
        );
      }
      throw new ProviderUnavailableError("paypal", (error as Error).message ?? "unreachable", {
        cause: error,
      });
    }
  }

  async function send(
    method: "GET" | "POST",
    path: string,
    options: { body?: unknown; requestId?: string } = {},
  ): Promise<unknown> {
    const builder = request(method, path);
    if (options.requestId) builder.header("PayPal-Request-Id", options.requestId);
    if (options.body !== undefined) builder.json(options.body);
    builder.authenticate([{ oauth2: true }]);
    try {
      const response = await builder.callAsText();
      return jsonOrNull(response.body) ?? {};
    } catch (error) {
      if (error instanceof ApiError && error.statusCode < 500 && error.statusCode !== 429) {
        const parsed = errorSchema.safeParse(jsonOrNull(error.body));
        throw new PaypalDecline(
          error.statusCode,
          parsed.success ? (parsed.data.name ?? "") : "",
          error.statusCode === 401 || error.statusCode === 403
            ? "provider_auth_failed"
            : codeOf(parsed.success ? parsed.data.name : undefined),
        );
      }
      throw new ProviderUnavailableError("paypal", (error as Error).message ?? "unreachable", {
        cause: error,
      });
    }
  }

  async function batch(batchId: string) {
    return batchSchema.parse(
      await send("GET", `/v1/payments/payouts/${encodeURIComponent(batchId)}`),
    );
  }

  function resultOf(parsed: z.infer<typeof batchSchema>): PollResult {
    const [item] = parsed.items ?? [];
    if (item) return statusOfItem(item);
    if (parsed.batch_header.batch_status === "DENIED") {
      return {
        status: "failed",
        failureCode: "provider_rejected",
        failureReason: reasonText("provider_rejected", "PayPal"),
      };
    }
    return { status: "processing" };
  }

  return {
    id: "paypal",

    async submit(input): Promise<SubmitResult> {
      const venmo = input.method === "venmo";
      const account = String(input.details.account ?? input.recipient.email);
      const phone = input.details.accountType === "phone";
      try {
        const created = batchSchema.parse(
          await send("POST", "/v1/payments/payouts", {
            requestId: input.payoutId,
            body: {
              sender_batch_header: {
                sender_batch_id: input.payoutId,
                email_subject: "You have a payment",
              },
              items: [
                {
                  recipient_type: phone ? "PHONE" : "EMAIL",
                  amount: {
                    value: formatMajorAmount(input.amount, input.currency),
                    currency: input.currency,
                  },
                  receiver: account,
                  sender_item_id: input.payoutId,
                  recipient_wallet: venmo ? "VENMO" : "PAYPAL",
                  ...(venmo && { note: "Payment" }),
                },
              ],
            },
          }),
        );
        return {
          ...resultOf(created),
          providerReference: created.batch_header.payout_batch_id,
        } as SubmitResult;
      } catch (error) {
        if (!(error instanceof PaypalDecline)) throw error;
        return {
          status: "failed",
          providerReference: input.payoutId,
          failureCode: error.code,
          failureReason: reasonText(error.code, "PayPal"),
        };
      }
    },

    async poll(reference) {
      return resultOf(await batch(reference));
    },

    /**
     * PayPal cannot be asked "is there a batch under this sender id" without sending
     * one; the only safe answer is that we cannot tell, so a PayPal submission whose
     * outcome is unknown is retried at PayPal under the same key, never moved elsewhere.
     */
    async lookup() {
      throw new ProviderUnavailableError("paypal", "cannot look up a batch by sender_batch_id");
    },

    async parseWebhook(request: InboundWebhook): Promise<ProviderWebhookEvent> {
      let event: Record<string, unknown>;
      try {
        event = JSON.parse(request.rawBody) as Record<string, unknown>;
      } catch {
        throw new WebhookSignatureError("The body is not JSON.");
      }
      const header = (name: string) => request.headers.get(name) ?? "";
      const verification = z.object({ verification_status: z.string() }).parse(
        await send("POST", "/v1/notifications/verify-webhook-signature", {
          body: {
            auth_algo: header("paypal-auth-algo"),
            cert_url: header("paypal-cert-url"),
            transmission_id: header("paypal-transmission-id"),
            transmission_sig: header("paypal-transmission-sig"),
            transmission_time: header("paypal-transmission-time"),
            webhook_id: credentials.webhookId,
            webhook_event: event,
          },
        }).catch((error) => {
          if (error instanceof PaypalDecline) throw new WebhookSignatureError(error.message);
          throw error;
        }),
      );
      if (verification.verification_status !== "SUCCESS") {
        throw new WebhookSignatureError("PayPal did not verify the signature.");
      }
      const parsed = z
        .object({ id: z.string(), event_type: z.string(), resource: z.unknown() })
        .safeParse(event);
      if (!parsed.success) throw new WebhookSignatureError("Not a PayPal event.");
      const base = { id: parsed.data.id, type: parsed.data.event_type, payload: event };
      if (!parsed.data.event_type.startsWith("PAYMENT.PAYOUTS-ITEM.")) {
        return { ...base, effect: { kind: "ignored" } };
      }
      const item = itemSchema.safeParse(parsed.data.resource);
      if (!item.success || !item.data.payout_batch_id)
        return { ...base, effect: { kind: "ignored" } };
      return {
        ...base,
        effect: {
          kind: "payout",
          providerReference: item.data.payout_batch_id,
          submissionId: item.data.payout_item?.sender_item_id ?? null,
          ...statusOfItem(item.data),
        },
      };
    },

    /**
     * The T0001 payments created in the range, through Transaction Search in windows of at
     * most 31 days, page by page. PayPal's reporting lags up to three hours: a range it
     * has not refreshed to the end yet is unavailable (the run retries later) rather than
     * read as missing payments.
     */
    async *listRecords(range) {
      for (let from = range.from; from < range.to; ) {
        const to = new Date(Math.min(range.to.getTime(), from.getTime() + SEARCH_WINDOW_MS));
        for (let page = 1, pages = 1; page <= pages; page++) {
          // What it must have reported: up to the window's end, or now if that is later.
          const due = new Date(Math.min(to.getTime(), Date.now()));
          const result = await searchPage(from, to, page);
          const refreshed = result.lastRefreshedDatetime
            ? new Date(result.lastRefreshedDatetime)
            : null;
          if (refreshed && refreshed < due) {
            throw new ProviderUnavailableError(
              "paypal",
              `the transaction search is refreshed up to ${refreshed.toISOString()}, before ${due.toISOString()}`,
            );
          }
          pages = result.totalPages ?? 1;
          yield (result.transactionDetails ?? []).flatMap((detail) => {
            const record = detail.transactionInfo && recordOfTransaction(detail.transactionInfo);
            return record ? [record] : [];
          });
        }
        from = to;
      }
    },

    async verifyCredentials() {
      // The OAuth token call is the cheapest authenticated read PayPal has.
      try {
        await client.clientCredentialsAuthManager.fetchToken();
      } catch (error) {
        if (error instanceof ApiError && error.statusCode === 401) {
          throw new Error("PayPal refused the client id and secret.");
        }
        throw new ProviderUnavailableError("paypal", (error as Error).message, { cause: error });
      }
    },

    async fundingInstructions() {
      return [];
    },
  };
}

function jsonOrNull(body: unknown): unknown {
  try {
    return typeof body === "string" ? JSON.parse(body) : null;
  } catch {
    return null;
  }
}

class PaypalDecline extends Error {
  constructor(
    readonly status: number,
    readonly providerName: string,
    readonly code: ProviderFailureCode,
  ) {
    super(`PayPal refused the request (${status} ${providerName})`);
  }
}

/** What a PayPal amount string is in minor units (the item's `amount.value`). */
export function paypalAmount(money: { value: string; currency: string }): {
  amount: bigint;
  currency: Currency;
} | null {
  const currency = currencySchema.safeParse(money.currency);
  if (!currency.success) return null;
  const parsed = parseMajorAmount(money.value, currency.data);
  return parsed.ok ? { amount: parsed.amount, currency: currency.data } : null;
}
