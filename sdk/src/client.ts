import createClient, {
  type Client,
  type FetchResponse,
  type MaybeOptionalInit,
  type Middleware,
} from "openapi-fetch";
import type { HttpMethod, PathsWithMethod, RequiredKeysOf } from "openapi-typescript-helpers";
import { DisburseConnectionError, errorFrom } from "./errors";
import type { paths } from "./schema";
import { verifyWebhook, type WebhookEvent } from "./webhooks";

export type DisburseOptions = {
  /** `sk_test_…` or `sk_live_…`: the key decides the organisation and the mode. */
  apiKey: string;
  /** Where your Disburse runs (its APP_URL), e.g. `https://pay.example.com`. */
  baseUrl: string;
  /**
   * Retries after a network failure, 429, 409 `idempotency_key_in_use`, 500, 502, 503 or
   * 504, each POST with the same `Idempotency-Key` as its first try. Default 2.
   */
  maxRetries?: number;
  /** The first retry waits this long, doubling each time, unless `Retry-After` says more. Default 500. */
  retryDelayMs?: number;
  /** The fetch to use (a proxy, a test double); the global one by default. */
  fetch?: (request: Request) => Promise<Response>;
};

type Json = "application/json";

/** The `Idempotency-Key` header made optional: the client sends one with every POST. */
type KeyOptional<Header> = Header extends { "Idempotency-Key": string }
  ? Omit<Header, "Idempotency-Key"> & { "Idempotency-Key"?: string }
  : Header;
type WithOptionalKey<Operation> = Operation extends { parameters: { header?: infer Header } }
  ? Omit<Operation, "parameters"> & {
      parameters: Omit<Operation["parameters"], "header"> & { header?: KeyOptional<Header> };
    }
  : Operation;

/** The API's paths as the client takes them. */
export type ClientPaths = {
  [P in keyof paths]: {
    [M in keyof paths[P]]: M extends "post" ? WithOptionalKey<paths[P][M]> : paths[P][M];
  };
};

type Get = PathsWithMethod<ClientPaths, "get">;

/** The 2xx body of `method path` called with `init`. */
export type ResponseOf<
  M extends HttpMethod,
  P extends PathsWithMethod<ClientPaths, M>,
  I = unknown,
> =
  NonNullable<ClientPaths[P][M]> extends infer O extends Record<string | number, unknown>
    ? NonNullable<FetchResponse<O, I, Json>["data"]>
    : never;

/** Optional when the operation needs nothing; required when it has path parameters or a body. */
type InitParam<I> =
  RequiredKeysOf<I> extends never
    ? [(I & { [key: string]: unknown })?]
    : [I & { [key: string]: unknown }];

/** Paths whose GET is a page of objects with ids: what `list` iterates. */
export type ListPath = {
  [P in Get]: ResponseOf<"get", P> extends { has_more: boolean; data: { id: string }[] }
    ? P
    : never;
}[Get];
export type ListItem<P extends ListPath> =
  ResponseOf<"get", P> extends { data: (infer T)[] } ? T : never;

type Untyped = (path: string, init?: unknown) => Promise<{ data?: unknown }>;

const RETRY_STATUSES = new Set([429, 500, 502, 503, 504]);

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/**
 * A client for the Disburse API, typed from its OpenAPI document: `get`, `post`,
 * `patch` and `delete` take the documented path and parameters and resolve with the
 * documented response, or throw a `DisburseError` carrying the problem's `code`.
 *
 *   const disburse = new Disburse({ apiKey: process.env.DISBURSE_API_KEY, baseUrl });
 *   const payout = await disburse.post("/payouts", { body: { recipient_id, amount: 5000, currency: "USD" } });
 */
export class Disburse {
  /** The underlying openapi-fetch client, for anything the helpers do not cover. */
  readonly api: Client<ClientPaths, Json>;
  private readonly maxRetries: number;
  private readonly retryDelayMs: number;
  private readonly send: (request: Request) => Promise<Response>;

  constructor(options: DisburseOptions) {
    this.maxRetries = options.maxRetries ?? 2;
    this.retryDelayMs = options.retryDelayMs ?? 500;
    this.send = options.fetch ?? ((request) => globalThis.fetch(request));
    this.api = createClient<ClientPaths, Json>({
      baseUrl: `${options.baseUrl.replace(/\/+$/, "")}/api/v1`,
      headers: { Authorization: `Bearer ${options.apiKey}` },
      fetch: (request) => this.withRetries(request),
    });
    this.api.use(idempotencyKeys, problemsAsErrors);
  }

  get<P extends Get, I extends MaybeOptionalInit<ClientPaths[P], "get">>(
    path: P,
    ...init: InitParam<I>
  ): Promise<ResponseOf<"get", P, I>> {
    return this.call(this.api.GET as Untyped, path, init[0]) as Promise<ResponseOf<"get", P, I>>;
  }

  /** A POST; it gets an `Idempotency-Key` (a new UUID) unless `headers` carries one. */
  post<
    P extends PathsWithMethod<ClientPaths, "post">,
    I extends MaybeOptionalInit<ClientPaths[P], "post">,
  >(path: P, ...init: InitParam<I>): Promise<ResponseOf<"post", P, I>> {
    return this.call(this.api.POST as Untyped, path, init[0]) as Promise<ResponseOf<"post", P, I>>;
  }

  patch<
    P extends PathsWithMethod<ClientPaths, "patch">,
    I extends MaybeOptionalInit<ClientPaths[P], "patch">,
  >(path: P, ...init: InitParam<I>): Promise<ResponseOf<"patch", P, I>> {
    return this.call(this.api.PATCH as Untyped, path, init[0]) as Promise<
      ResponseOf<"patch", P, I>
    >;
  }

  delete<
    P extends PathsWithMethod<ClientPaths, "delete">,
    I extends MaybeOptionalInit<ClientPaths[P], "delete">,
  >(path: P, ...init: InitParam<I>): Promise<ResponseOf<"delete", P, I>> {
    return this.call(this.api.DELETE as Untyped, path, init[0]) as Promise<
      ResponseOf<"delete", P, I>
    >;
  }

  /**
   * Every object of a list, newest first, fetching page after page (`starting_after`)
   * while `has_more` is true.
   *
   *   for await (const payout of disburse.list("/payouts", { params: { query: { status: "paid" } } })) …
   */
  async *list<P extends ListPath, I extends MaybeOptionalInit<ClientPaths[P], "get">>(
    path: P,
    ...init: InitParam<I>
  ): AsyncGenerator<ListItem<P>, void, undefined> {
    const given = (init[0] ?? {}) as { params?: { query?: Record<string, unknown> } };
    let cursor: string | undefined;
    for (;;) {
      const query = { ...given.params?.query, ...(cursor ? { starting_after: cursor } : {}) };
      const page = (await this.call(this.api.GET as Untyped, path, {
        ...given,
        params: { ...given.params, query },
      })) as { data: Awaited<ListItem<P>>[]; has_more: boolean };
      yield* page.data;
      const last = page.data.at(-1);
      if (!page.has_more || !last) return;
      // `ListPath` admits only lists of objects with ids.
      cursor = (last as unknown as { id: string }).id;
    }
  }

  /** Verifies a webhook delivery with the endpoint's secret and returns its typed event. */
  verifyWebhook(
    payload: string | Buffer,
    headers: Headers | Record<string, string | string[] | undefined>,
    secret: string,
  ): WebhookEvent {
    return verifyWebhook(payload, headers, secret);
  }

  private async call(method: Untyped, path: string, init: unknown): Promise<unknown> {
    const { data } = await method(path, init);
    return data;
  }

  /**
   * Sends a request, retrying what a retry can fix. Each try sends a copy of the same
   * request, so a POST keeps its `Idempotency-Key` and the server acts at most once.
   */
  private async withRetries(request: Request): Promise<Response> {
    for (let attempt = 0; ; attempt++) {
      let response: Response;
      try {
        response = await this.send(request.clone());
      } catch (cause) {
        if (attempt >= this.maxRetries) {
          throw new DisburseConnectionError(`Could not reach ${new URL(request.url).origin}`, {
            cause,
          });
        }
        await sleep(this.backoff(attempt));
        continue;
      }
      if (attempt >= this.maxRetries || !(await retryable(response))) return response;
      await response.body?.cancel();
      await sleep(Math.max(this.backoff(attempt), retryAfterMs(response)));
    }
  }

  private backoff(attempt: number): number {
    const base = this.retryDelayMs * 2 ** attempt;
    return base / 2 + Math.random() * (base / 2);
  }
}

async function retryable(response: Response): Promise<boolean> {
  if (RETRY_STATUSES.has(response.status)) return true;
  if (response.status !== 409) return false;
  // Only the conflict of a request still running with this key goes away by waiting.
  const problem = (await response
    .clone()
    .json()
    .catch(() => null)) as { code?: string } | null;
  return problem?.code === "idempotency_key_in_use";
}

function retryAfterMs(response: Response): number {
  const header = response.headers.get("retry-after");
  if (!header) return 0;
  const seconds = Number(header);
  if (Number.isFinite(seconds)) return seconds * 1000;
  const date = Date.parse(header);
  return Number.isNaN(date) ? 0 : Math.max(0, date - Date.now());
}

/** Every POST carries an `Idempotency-Key`, so a retry (ours or yours) acts at most once. */
const idempotencyKeys: Middleware = {
  onRequest({ request }) {
    if (request.method === "POST" && !request.headers.has("Idempotency-Key")) {
      request.headers.set("Idempotency-Key", crypto.randomUUID());
    }
    return request;
  },
};

/** A refusal or failure becomes a thrown `DisburseError`; `data` is set whenever a call returns. */
const problemsAsErrors: Middleware = {
  async onResponse({ response }) {
    if (!response.ok) throw await errorFrom(response);
    return response;
  },
};
