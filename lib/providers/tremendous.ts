import { createHmac, timingSafeEqual } from "node:crypto";
import {
  Configuration,
  Environments,
  FundingSourcesApi,
  OrdersApi,
  RewardsApi,
  TopupsApi,
} from "tremendous";
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

export const tremendousCredentialsSchema = z.object({
  apiKey: z.string().trim().min(20, "the API key from Tremendous → Team settings → Developers"),
  webhookPrivateKey: z.string().trim().min(16, "the webhook's private key"),
});
export type TremendousCredentials = z.infer<typeof tremendousCredentialsSchema>;

/** Tremendous's product ids for each method we pay through it (and the funding source). */
export const tremendousSettingsSchema = z.object({
  environment: z.enum(["production", "testflight"]).optional(),
  apiBaseUrl: z.url().optional(),
  fundingSourceId: z.string().min(1).default("balance"),
  products: z.record(z.string(), z.string().min(1)).default({}),
});
export type TremendousSettings = z.input<typeof tremendousSettingsSchema>;

const orderSchema = z.object({
  id: z.string(),
  external_id: z.string().nullish(),
  status: z.string(),
  created_at: z.string(),
  payment: z
    .object({ subtotal: z.number().optional(), total: z.number().optional() })
    .partial()
    .nullish(),
  rewards: z
    .array(
      z.object({
        id: z.string().optional(),
        value: z
          .object({ denomination: z.number(), currency_code: z.string() })
          .partial()
          .nullish(),
        delivery: z.object({ status: z.string().optional() }).nullish(),
      }),
    )
    .nullish(),
});
type Order = z.infer<typeof orderSchema>;

function statusOf(order: Order): PollResult {
  const delivery = order.rewards?.[0]?.delivery?.status;
  if (order.status === "FAILED" || order.status === "CANCELED" || delivery === "FAILED") {
    return {
      status: "failed",
      failureCode: "provider_rejected",
      failureReason: reasonText("provider_rejected", "Tremendous"),
    };
  }
  if (order.status === "EXECUTED" && delivery === "SUCCEEDED") return { status: "paid" };
  return { status: "processing" };
}

/** The order's value in minor units; Tremendous speaks decimal numbers, we never do past here. */
function orderValue(order: Order): { amount: bigint; currency: string } {
  const value = order.rewards?.[0]?.value;
  const currency = currencySchema.safeParse(value?.currency_code);
  if (!currency.success || value?.denomination === undefined) return { amount: 0n, currency: "" };
  const parsed = parseMajorAmount(String(value.denomination), currency.data);
  return { amount: parsed.ok ? parsed.amount : 0n, currency: currency.data };
}

const declineCodes: Record<number, ProviderFailureCode> = {
  401: "provider_auth_failed",
  402: "provider_insufficient_funds",
  403: "provider_auth_failed",
};

/**
 * Rewards (gift cards, prepaid cards, charity, and PayPal or Venmo as a failover) through
 * Tremendous orders. The order's `external_id` is the submission id: Tremendous answers
 * a repeated external id with the original order (201) and never creates a second one.
 */
export function createTremendousProvider(
  credentials: TremendousCredentials,
  rawSettings: TremendousSettings = {},
): LivePayoutProvider {
  const settings = tremendousSettingsSchema.parse(rawSettings);
  const configuration = new Configuration({
    basePath:
      settings.apiBaseUrl?.replace(/\/$/, "") ??
      (settings.environment === "testflight" ? Environments.testflight : Environments.production),
    accessToken: credentials.apiKey,
    baseOptions: { timeout: 20_000 },
  });
  const orders = new OrdersApi(configuration);
  const rewards = new RewardsApi(configuration);
  const topups = new TopupsApi(configuration);
  const fundingSources = new FundingSourcesApi(configuration);

  async function call<R extends { data: unknown }>(run: () => Promise<R>): Promise<R["data"]> {
    try {
      return (await run()).data;
    } catch (error) {
      // The SDK's HTTP client (axios) puts the provider's answer on `response`.
      const status = (error as { response?: { status?: number } }).response?.status;
      if (status !== undefined && status < 500 && status !== 429)
        throw new TremendousDecline(status);
      throw new ProviderUnavailableError("tremendous", (error as Error).message, { cause: error });
    }
  }

  async function order(id: string): Promise<Order> {
    return orderSchema.parse((await call(() => orders.getOrder(id))).order);
  }

  return {
    id: "tremendous",

    async submit(input): Promise<SubmitResult> {
      const product =
        settings.products[`${input.method}:${String(input.details.brand ?? "")}`] ??
        settings.products[input.method];
      if (!product) {
        return {
          status: "failed",
          providerReference: input.payoutId,
          failureCode: "provider_rejected",
          failureReason: `No Tremendous product is set for ${input.method}.`,
        };
      }
      try {
        const created = await call(() =>
          orders.createOrder({
            external_id: input.payoutId,
            payment: { funding_source_id: settings.fundingSourceId },
            reward: {
              products: [product],
              value: {
                denomination: Number(formatMajorAmount(input.amount, input.currency)),
                currency_code: input.currency,
              },
              recipient: {
                name: input.recipient.name ?? input.recipient.email,
                email: String(input.details.account ?? input.recipient.email),
              },
              delivery: { method: "EMAIL" },
            },
          }),
        );
        const parsed = orderSchema.parse(created.order);
        return { ...statusOf(parsed), providerReference: parsed.id } as SubmitResult;
      } catch (error) {
        if (!(error instanceof TremendousDecline)) throw error;
        // A 409 means the external id is taken by an order with other parameters: ours
        // changed since (a new amount); never pay it again under another key.
        const code = declineCodes[error.status] ?? "provider_rejected";
        return {
          status: "failed",
          providerReference: input.payoutId,
          failureCode: code,
          failureReason: reasonText(code, "Tremendous"),
        };
      }
    },

    async poll(reference) {
      return statusOf(await order(reference));
    },

    async lookup(submissionId) {
      const found = await call(() =>
        orders.listOrders(undefined, undefined, submissionId, undefined, undefined, 1),
      );
      const [first] = found.orders ?? [];
      if (!first) return "absent";
      const parsed = orderSchema.parse(first);
      return { ...statusOf(parsed), providerReference: parsed.id };
    },

    async parseWebhook(request: InboundWebhook): Promise<ProviderWebhookEvent> {
      // Tremendous signs the raw body with HMAC-SHA256 under the webhook's private key:
      // `Tremendous-Webhook-Signature: sha256=<hex>`.
      const header = request.headers.get("tremendous-webhook-signature") ?? "";
      const given = Buffer.from(header.replace(/^sha256=/, ""), "hex");
      const expected = createHmac("sha256", credentials.webhookPrivateKey)
        .update(request.rawBody)
        .digest();
      if (given.length !== expected.length || !timingSafeEqual(given, expected)) {
        throw new WebhookSignatureError("The Tremendous signature does not match.");
      }
      const event = z
        .object({
          event: z.string(),
          uuid: z.string(),
          payload: z.object({ resource: z.object({ id: z.string(), type: z.string() }) }),
        })
        .safeParse(JSON.parse(request.rawBody));
      if (!event.success) throw new WebhookSignatureError("Not a Tremendous event.");
      const { event: type, uuid, payload } = event.data;
      const base = { id: uuid, type, payload: JSON.parse(request.rawBody) };
      if (type.startsWith("REWARDS.") || type.startsWith("ORDERS.")) {
        const orderId =
          payload.resource.type === "orders"
            ? payload.resource.id
            : String((await call(() => rewards.getReward(payload.resource.id))).reward?.order_id);
        const current = await order(orderId);
        return {
          ...base,
          effect: {
            kind: "payout",
            providerReference: current.id,
            submissionId: current.external_id ?? null,
            ...statusOf(current),
          },
        };
      }
      if (type === "TOPUPS.COMPLETED" || type === "TOPUPS.SUCCEEDED") {
        const topup = (await call(() => topups.getTopup(payload.resource.id))).topup;
        const currency = currencySchema.safeParse(topup?.currency_code);
        const amount =
          currency.success && topup?.amount !== undefined
            ? parseMajorAmount(String(topup.amount), currency.data)
            : null;
        if (!currency.success || !amount?.ok) return { ...base, effect: { kind: "ignored" } };
        return {
          ...base,
          effect: {
            kind: "funding",
            fundingId: payload.resource.id,
            amount: amount.amount,
            currency: currency.data as Currency,
          },
        };
      }
      return { ...base, effect: { kind: "ignored" } };
    },

    async *listRecords(range) {
      const limit = 500;
      for (let offset = 0; ; offset += limit) {
        const page = await call(() =>
          orders.listOrders(
            offset,
            undefined,
            undefined,
            range.from.toISOString(),
            new Date(range.to.getTime() - 1).toISOString(),
            limit,
          ),
        );
        const list = (page.orders ?? []).map((o: unknown) => orderSchema.parse(o));
        yield list.map((o: Order): ProviderRecord => {
          const value = orderValue(o);
          return {
            providerReference: o.id,
            submissionId: o.external_id ?? null,
            amount: value.amount,
            currency: value.currency,
            status: statusOf(o).status,
            createdAt: new Date(o.created_at),
          };
        });
        if (list.length < limit) return;
      }
    },

    async verifyCredentials() {
      try {
        await call(() => fundingSources.listFundingSources());
      } catch (error) {
        if (error instanceof TremendousDecline) throw new Error("Tremendous refused the API key.");
        throw error;
      }
    },

    async fundingInstructions() {
      return (["USD"] as Currency[]).map((currency) => ({
        provider: "tremendous" as const,
        currency,
        method: "ACH or wire to your Tremendous balance",
        fields: [
          { label: "Where", value: "Tremendous → Balance → Add funds" },
          { label: "Credited here", value: "when Tremendous reports the top-up completed" },
        ],
      }));
    },
  };
}

class TremendousDecline extends Error {
  constructor(readonly status: number) {
    super(`Tremendous refused the request (${status})`);
  }
}
