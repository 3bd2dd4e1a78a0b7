import { createHmac, randomUUID } from "node:crypto";
import { idSequence, startDoubleServer } from "./double-server";
import { createRequestChecker, loadOpenApi } from "./openapi-requests";

type Order = {
  id: string;
  external_id: string | null;
  status: string;
  created_at: string;
  payment: { funding_source_id: string; subtotal: number; total: number; fees: number };
  rewards: {
    id: string;
    order_id: string;
    value: { denomination: number; currency_code: string };
    recipient: { name?: string; email?: string };
    products: string[];
    delivery: { method: string; status: string };
  }[];
};

const check = createRequestChecker(loadOpenApi("tremendous.json"), "/api/v2");

function errors(status: number, message: string) {
  return { status, body: { errors: { message, payload: {} } } };
}

/**
 * Tremendous's API as its reference documents it: Bearer API keys, orders made
 * idempotent by `external_id` (a new order answers 200; the same external id with the
 * same parameters answers 201 with the first order and creates nothing; other parameters
 * answer 409), 402 when the balance does not cover an order, errors as
 * `{ errors: { message } }`, and webhooks signed `Tremendous-Webhook-Signature:
 * sha256=<hex HMAC of the body under the webhook's private key>`.
 */
export async function startTremendousDouble(options: {
  apiKey: string;
  webhookPrivateKey: string;
}) {
  const orders = new Map<string, Order>();
  const byExternalId = new Map<string, { order: Order; params: string }>();
  const topups = new Map<
    string,
    { id: string; amount: number; currency_code: string; status: string }
  >();
  let balance = 1_000_000;
  const nextOrder = idSequence("ORD");
  const nextReward = idSequence("RWD");

  const server = await startDoubleServer({
    name: "tremendous",
    check,
    parseBody: (r) => (r.rawBody ? JSON.parse(r.rawBody) : {}),
    invalid: (problems) => errors(400, problems.join("; ")),
    handle(request) {
      if (request.header("authorization") !== `Bearer ${options.apiKey}`) {
        return errors(401, "Invalid API key");
      }
      const parts = request.path.split("/").slice(3);
      if (request.method === "POST" && request.path === "/api/v2/orders") {
        return createOrder(request.body as Record<string, unknown>);
      }
      if (parts[0] === "orders" && parts[1]) {
        const order = orders.get(parts[1]) ?? byExternalId.get(parts[1])?.order;
        return order ? { status: 200, body: { order } } : errors(404, "Order not found");
      }
      if (parts[0] === "orders") {
        const q = request.query;
        let rows = [...orders.values()]
          .filter((o) => !q.get("external_id") || o.external_id === q.get("external_id"))
          .filter(
            (o) =>
              !q.get("created_at[gte]") || o.created_at >= (q.get("created_at[gte]") as string),
          )
          .filter(
            (o) =>
              !q.get("created_at[lte]") || o.created_at <= (q.get("created_at[lte]") as string),
          )
          .reverse();
        const offset = Number(q.get("offset") ?? 0);
        rows = rows.slice(offset, offset + Number(q.get("limit") ?? 10));
        return { status: 200, body: { orders: rows, total_count: orders.size } };
      }
      if (parts[0] === "rewards" && parts[1]) {
        for (const order of orders.values()) {
          const reward = order.rewards.find((r) => r.id === parts[1]);
          if (reward) return { status: 200, body: { reward } };
        }
        return errors(404, "Reward not found");
      }
      if (parts[0] === "funding_sources") {
        return {
          status: 200,
          body: {
            funding_sources: [
              { id: "balance", method: "balance", meta: { available_cents: balance } },
            ],
          },
        };
      }
      if (parts[0] === "topups" && parts[1]) {
        const topup = topups.get(parts[1]);
        return topup ? { status: 200, body: { topup } } : errors(404, "Topup not found");
      }
      return errors(404, "Not found");
    },
  });

  function createOrder(body: Record<string, unknown>) {
    const externalId = (body.external_id as string | undefined) ?? null;
    const params = JSON.stringify({ ...body, external_id: undefined });
    if (externalId) {
      const seen = byExternalId.get(externalId);
      if (seen) {
        return seen.params === params
          ? { status: 201, body: { order: seen.order } }
          : errors(409, "An order with this external_id already exists with different parameters");
      }
    }
    const reward = body.reward as Order["rewards"][number];
    const cents = Math.round(reward.value.denomination * 100);
    if (cents > balance) return errors(402, "Insufficient funds in the funding source");
    balance -= cents;
    const id = nextOrder();
    const order: Order = {
      id,
      external_id: externalId,
      status: "EXECUTED",
      created_at: new Date().toISOString(),
      payment: {
        funding_source_id: (body.payment as { funding_source_id: string }).funding_source_id,
        subtotal: reward.value.denomination,
        total: reward.value.denomination,
        fees: 0,
      },
      rewards: [
        {
          id: nextReward(),
          order_id: id,
          value: reward.value,
          recipient: reward.recipient,
          products: reward.products,
          delivery: { method: reward.delivery?.method ?? "EMAIL", status: "PENDING" },
        },
      ],
    };
    orders.set(id, order);
    if (externalId) byExternalId.set(externalId, { order, params });
    return { status: 200, body: { order } };
  }

  /** A webhook as Tremendous sends it, signed with the webhook's private key. */
  function signed(event: string, resource: { id: string; type: string }) {
    const rawBody = JSON.stringify({
      event,
      uuid: randomUUID(),
      created_utc: new Date().toISOString(),
      payload: { resource, meta: {} },
    });
    const signature = createHmac("sha256", options.webhookPrivateKey).update(rawBody).digest("hex");
    return {
      rawBody,
      headers: new Headers({ "tremendous-webhook-signature": `sha256=${signature}` }),
    };
  }

  function orderFor(externalId: string): Order {
    const found = byExternalId.get(externalId)?.order;
    if (!found) throw new Error(`no order ${externalId}`);
    return found;
  }

  return {
    ...server,
    orders,
    setBalance(cents: number) {
      balance = cents;
    },
    /** Orders that paid someone (not failed or canceled ones). */
    payments() {
      return [...orders.values()].filter(
        (o) => o.status === "EXECUTED" && o.rewards[0]?.delivery.status !== "FAILED",
      );
    },
    /** The reward's delivery ends; the webhook Tremendous sends. */
    deliver(externalId: string, status: "SUCCEEDED" | "FAILED") {
      const order = orderFor(externalId);
      const reward = order.rewards[0] as Order["rewards"][number];
      reward.delivery.status = status;
      return signed(`REWARDS.DELIVERY.${status}`, { id: reward.id, type: "rewards" });
    },
    orderFor,
    topUp(amount: number, currency = "USD") {
      const id = `TOP${randomUUID().slice(0, 8)}`;
      topups.set(id, { id, amount, currency_code: currency, status: "COMPLETED" });
      balance += Math.round(amount * 100);
      return signed("TOPUPS.COMPLETED", { id, type: "topups" });
    },
    signed,
  };
}

export type TremendousDouble = Awaited<ReturnType<typeof startTremendousDouble>>;
