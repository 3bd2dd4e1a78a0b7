import Stripe from "stripe";
import { idSequence, startDoubleServer } from "./double-server";
import { createRequestChecker, loadOpenApi, parseDeepForm } from "./openapi-requests";

type Account = {
  id: string;
  object: "account";
  type: string;
  country: string;
  email: string | null;
  details_submitted: boolean;
  payouts_enabled: boolean;
  charges_enabled: boolean;
  capabilities: { transfers: "active" | "inactive" };
  metadata: Record<string, string>;
};
type Transfer = {
  id: string;
  object: "transfer";
  amount: number;
  amount_reversed: number;
  currency: string;
  destination: string;
  transfer_group: string | null;
  metadata: Record<string, string>;
  reversed: boolean;
  created: number;
};
type Payout = {
  id: string;
  object: "payout";
  amount: number;
  currency: string;
  status: "pending" | "in_transit" | "paid" | "failed" | "canceled";
  failure_code: string | null;
  failure_message: string | null;
  metadata: Record<string, string>;
  created: number;
  account: string;
};

const check = createRequestChecker(loadOpenApi("stripe.json"));

function error(status: number, type: string, message: string, code?: string) {
  return { status, body: { error: { type, message, ...(code && { code }) } } };
}

/**
 * Stripe's API as far as Disburse uses it, per its documentation: form-encoded requests,
 * Bearer secret keys, `Idempotency-Key` (the same key and parameters replay the first
 * response with `Idempotent-Replayed: true`; other parameters answer 400
 * `idempotency_error`), `Stripe-Account` for calls on a connected account, errors as
 * `{ error: { type, code, message } }`, and webhooks signed with `Stripe-Signature`.
 * Connect onboarding is a hosted page the double serves: the bank details are typed
 * there, never sent to Disburse.
 */
export async function startStripeDouble(options: {
  secretKey: string;
  webhookSecret: string;
  port?: number;
}) {
  const accounts = new Map<string, Account>();
  const transfers = new Map<string, Transfer>();
  const payouts = new Map<string, Payout>();
  // Stripe's account links are single-use: a second visit goes to the link's refresh_url.
  const links = new Map<
    string,
    { account: string; returnUrl: string; refreshUrl: string; visited: boolean }
  >();
  const idempotent = new Map<string, { params: string; status: number; body: unknown }>();
  const balance = new Map<string, number>([["usd", 100_000_000]]);
  const nextAccount = idSequence("acct_");
  const nextTransfer = idSequence("tr_");
  const nextPayout = idSequence("po_");
  const nextEvent = idSequence("evt_");
  const nextLink = idSequence("link_");
  const now = () => Math.floor(Date.now() / 1000);
  let url = "";

  const server = await startDoubleServer({
    name: "stripe",
    port: options.port,
    check,
    // The hosted page and what a browser asks for beside it are not API calls.
    unchecked: (r) => r.path.startsWith("/onboarding/") || r.path === "/favicon.ico",
    parseBody: (r) =>
      r.contentType?.startsWith("application/x-www-form-urlencoded")
        ? parseDeepForm(new URLSearchParams(r.rawBody))
        : {},
    invalid: (problems) => error(400, "invalid_request_error", problems.join("; ")),
    async handle(request) {
      const body = request.body as Record<string, string> & Record<string, unknown>;
      const { method, path } = request;
      if (path.startsWith("/onboarding/")) return onboarding(method, path, body);
      if (request.header("authorization") !== `Bearer ${options.secretKey}`) {
        return error(401, "invalid_request_error", "Invalid API Key provided.");
      }
      const connected = request.header("stripe-account");
      const key = request.header("idempotency-key");
      if (method === "POST" && key) {
        const scoped = `${connected ?? ""}:${path}:${key}`;
        const seen = idempotent.get(scoped);
        if (seen) {
          if (seen.params !== request.rawBody) {
            return error(
              400,
              "idempotency_error",
              "Keys for idempotent requests can only be used with the same parameters they were first used with.",
            );
          }
          return {
            status: seen.status,
            body: seen.body,
            headers: { "idempotent-replayed": "true" },
          };
        }
        const answer = route(method, path, body, connected, request.query);
        // Stripe keeps the answers of requests that reached it, errors included, except 5xx.
        if (answer.status < 500) {
          idempotent.set(scoped, {
            params: request.rawBody,
            status: answer.status,
            body: answer.body,
          });
        }
        return answer;
      }
      return route(method, path, body, connected, request.query);
    },
  });
  url = server.url;

  function onboarding(method: string, path: string, form: Record<string, unknown>) {
    const token = path.split("/")[2] ?? "";
    const link = links.get(token);
    if (!link) return { status: 404, html: "<h1>This link has expired</h1>" };
    if (method !== "POST") {
      if (link.visited) return { status: 303, redirect: link.refreshUrl };
      link.visited = true;
    }
    if (method === "POST") {
      const account = accounts.get(link.account) as Account;
      if (
        !/^\d{9}$/.test(String(form.routing ?? "")) ||
        !/^\d{4,17}$/.test(String(form.number ?? ""))
      ) {
        return { status: 422, html: page(token, "Check the routing and account numbers.") };
      }
      account.details_submitted = true;
      account.payouts_enabled = true;
      account.capabilities.transfers = "active";
      links.delete(token);
      return { status: 303, redirect: link.returnUrl };
    }
    return { status: 200, html: page(token) };
  }

  function page(token: string, problem?: string) {
    return `<!doctype html><html lang="en"><head><title>Stripe Express onboarding (test double)</title></head>
<body><main><h1>Set up payouts</h1>${problem ? `<p role="alert">${problem}</p>` : ""}
<form method="post" action="/onboarding/${token}">
<label>Routing number <input name="routing" inputmode="numeric"></label>
<label>Account number <input name="number" inputmode="numeric"></label>
<button type="submit">Agree and submit</button></form></main></body></html>`;
  }

  function route(
    method: string,
    path: string,
    body: Record<string, unknown>,
    connected: string | undefined,
    query: URLSearchParams,
  ) {
    const parts = path.split("/").slice(2);
    const metadata = (body.metadata ?? {}) as Record<string, string>;
    if (method === "GET" && path === "/v1/balance") {
      return {
        status: 200,
        body: {
          object: "balance",
          livemode: false,
          available: [...balance].map(([currency, amount]) => ({ amount, currency })),
          pending: [],
        },
      };
    }
    if (parts[0] === "accounts") {
      if (method === "POST") {
        const account: Account = {
          id: nextAccount(),
          object: "account",
          type: String(body.type ?? "express"),
          country: String(body.country ?? "US"),
          email: (body.email as string) ?? null,
          details_submitted: false,
          payouts_enabled: false,
          charges_enabled: false,
          capabilities: { transfers: "inactive" },
          metadata,
        };
        accounts.set(account.id, account);
        return { status: 200, body: account };
      }
      const account = accounts.get(parts[1] ?? "");
      return account
        ? { status: 200, body: account }
        : error(404, "invalid_request_error", `No such account: '${parts[1]}'`, "resource_missing");
    }
    if (parts[0] === "account_links" && method === "POST") {
      const account = String(body.account);
      if (!accounts.has(account)) {
        return error(
          400,
          "invalid_request_error",
          `No such account: '${account}'`,
          "resource_missing",
        );
      }
      const token = nextLink();
      links.set(token, {
        account,
        returnUrl: String(body.return_url),
        refreshUrl: String(body.refresh_url),
        visited: false,
      });
      return {
        status: 200,
        body: {
          object: "account_link",
          url: `${url}/onboarding/${token}`,
          created: now(),
          expires_at: now() + 300,
        },
      };
    }
    if (parts[0] === "transfers") {
      if (method === "POST") {
        const destination = accounts.get(String(body.destination));
        if (!destination) {
          return error(400, "invalid_request_error", "No such destination", "account_invalid");
        }
        if (destination.capabilities.transfers !== "active") {
          return error(
            400,
            "invalid_request_error",
            "Your destination account needs to have the transfers capability enabled.",
            "insufficient_capabilities_for_transfer",
          );
        }
        const currency = String(body.currency);
        const amount = Number(body.amount);
        if ((balance.get(currency) ?? 0) < amount) {
          return error(
            400,
            "invalid_request_error",
            "You have insufficient funds in your Stripe account.",
            "balance_insufficient",
          );
        }
        balance.set(currency, (balance.get(currency) ?? 0) - amount);
        const transfer: Transfer = {
          id: nextTransfer(),
          object: "transfer",
          amount,
          amount_reversed: 0,
          currency,
          destination: destination.id,
          transfer_group: (body.transfer_group as string) ?? null,
          metadata,
          reversed: false,
          created: now(),
        };
        transfers.set(transfer.id, transfer);
        return { status: 200, body: transfer };
      }
      if (parts[1]) {
        const transfer = transfers.get(parts[1]);
        return transfer
          ? { status: 200, body: transfer }
          : error(404, "invalid_request_error", "No such transfer", "resource_missing");
      }
      return { status: 200, body: list([...transfers.values()], query, "/v1/transfers") };
    }
    if (parts[0] === "payouts") {
      if (!connected) {
        return error(
          400,
          "invalid_request_error",
          "Payouts to recipients are made from their connected account.",
        );
      }
      if (method === "POST") {
        const payout: Payout = {
          id: nextPayout(),
          object: "payout",
          amount: Number(body.amount),
          currency: String(body.currency),
          status: "pending",
          failure_code: null,
          failure_message: null,
          metadata,
          created: now(),
          account: connected,
        };
        payouts.set(payout.id, payout);
        return { status: 200, body: withoutAccount(payout) };
      }
      const payout = payouts.get(parts[1] ?? "");
      return payout && payout.account === connected
        ? { status: 200, body: withoutAccount(payout) }
        : error(404, "invalid_request_error", "No such payout", "resource_missing");
    }
    return error(404, "invalid_request_error", `Unrecognized request URL (${method}: ${path}).`);
  }

  function withoutAccount({ account: _, ...payout }: Payout) {
    return payout;
  }

  function list(items: Transfer[], query: URLSearchParams, at: string) {
    const q = parseDeepForm(query) as {
      created?: { gte?: string; lt?: string };
      transfer_group?: string;
      limit?: string;
      starting_after?: string;
    };
    let rows = items
      .filter((t) => !q.transfer_group || t.transfer_group === q.transfer_group)
      .filter((t) => !q.created?.gte || t.created >= Number(q.created.gte))
      .filter((t) => !q.created?.lt || t.created < Number(q.created.lt))
      .reverse();
    if (q.starting_after) rows = rows.slice(rows.findIndex((t) => t.id === q.starting_after) + 1);
    const limit = Number(q.limit ?? 10);
    return { object: "list", url: at, has_more: rows.length > limit, data: rows.slice(0, limit) };
  }

  /** A webhook as Stripe sends it: the event JSON and its `Stripe-Signature` header. */
  function signed(type: string, object: Record<string, unknown>, account?: string) {
    const event = {
      id: nextEvent(),
      object: "event",
      api_version: "2026-10-28.endive",
      created: now(),
      type,
      ...(account && { account }),
      data: { object },
      livemode: false,
      pending_webhooks: 1,
      request: { id: null, idempotency_key: null },
    };
    const rawBody = JSON.stringify(event);
    const signature = Stripe.webhooks.generateTestHeaderString({
      payload: rawBody,
      secret: options.webhookSecret,
    });
    return { id: event.id, rawBody, headers: new Headers({ "stripe-signature": signature }) };
  }

  return {
    ...server,
    accounts,
    transfers,
    payouts,
    balance,
    /** Ends a connected account's payout as the bank did and returns the webhook Stripe sends. */
    settle(payoutId: string, outcome: "paid" | "failed", failureCode?: string) {
      const payout = payouts.get(payoutId);
      if (!payout) throw new Error(`no payout ${payoutId}`);
      payout.status = outcome;
      if (outcome === "failed") {
        payout.failure_code = failureCode ?? "account_closed";
        payout.failure_message = "The bank account has been closed.";
      }
      return signed(`payout.${outcome}`, withoutAccount(payout), payout.account);
    },
    /** Finishes onboarding as if the recipient had typed valid details on the hosted page. */
    completeOnboarding(accountId: string) {
      const account = accounts.get(accountId);
      if (!account) throw new Error(`no account ${accountId}`);
      account.details_submitted = true;
      account.payouts_enabled = true;
      account.capabilities.transfers = "active";
    },
    topUp(amount: number, currency = "usd") {
      balance.set(currency, (balance.get(currency) ?? 0) + amount);
      return signed("topup.succeeded", {
        id: `tu_${Math.random().toString(36).slice(2, 12)}`,
        object: "topup",
        amount,
        currency,
        status: "succeeded",
      });
    },
    signed,
  };
}

export type StripeDouble = Awaited<ReturnType<typeof startStripeDouble>>;
