/**
 * The one wrapper every public API route goes through.
 *
 * Usage (a route file stays this thin; the contract lives in lib/api/operations/*):
 *
 *   // lib/api/operations/payouts.ts
 *   export const createPayoutOperation = defineOperation({
 *     method: "POST", path: "/payouts", operationId: "createPayout", tag: "Payouts",
 *     summary: "Create a payout", idempotency: "required",
 *     body: createPayoutBodySchema,
 *     response: { status: 201, schema: payoutResourceSchema, description: "The payout" },
 *     errors: ["insufficient_funds"],
 *   });
 *
 *   // app/api/v1/payouts/route.ts
 *   export const POST = apiRoute(createPayoutOperation, async ({ db, scope, body, actor }) =>
 *     serializePayout(await createPayout(db, scope, body, { actor })),
 *   );
 *
 * The handler receives the parsed `body`, `query` and `params` (zod outputs of the
 * operation's schemas), the caller's `scope` ({ organisationId, mode }), `actor`
 * (`api_key:key_…`), `requestId`, `db` and `onCommit`. ALWAYS use the `db` given: for an idempotent
 * POST it is the transaction that also stores the response, which is what makes a retry
 * after a crash safe. The handler returns the response body; the status comes from the
 * operation, and the body is checked against the operation's response schema.
 * Throw `AppError` for anything the caller did wrong; it becomes problem+json.
 *
 * A POST whose work exists in bulk form may pass `{ bulk }`: one caller's concurrent
 * requests are then written as one transaction (group commit, lib/api/coalesce.ts).
 *
 * In order, for every request: request id → API key (401) → rate limit (429) → path,
 * query and body parsing (404 / 400 / 413 / 422) → idempotency (POST; 400 / 409 / 422 or
 * a replay) → handler → response check → JSON with `Request-Id` and `RateLimit-*` headers.
 */
import { z } from "zod";
import { type DbOrTx, db, type Tx } from "@/db/client";
import type { Scope } from "@/db/scope";
import { authenticateApiKey } from "@/lib/api-keys/keys";
import { config } from "@/lib/config";
import { open, seal } from "@/lib/crypto/secret-box";
import { AppError } from "@/lib/errors";
import { newId } from "@/lib/ids";
import { logError } from "@/lib/log";
import { coalescer } from "./coalesce";
import {
  claimIdempotencyKey,
  completeIdempotencyKeys,
  IDEMPOTENCY_KEY_PATTERN,
  releaseIdempotencyKey,
  rememberCompletedResponse,
  requestFingerprint,
  type StoredResponse,
} from "./idempotency";
import type { ObjectSchema, Operation } from "./operation";
import { asAppError, PROBLEM_CONTENT_TYPE, toProblem } from "./problem";
import { consumeRateLimit, type RateLimitDecision, rateLimitHeaders } from "./rate-limit";
import { parseOrThrow } from "./validation";

export type { Scope };

/**
 * A stored response keeps the id of the request that produced it, and a replay answers
 * with it under this header. Responses stored before it was kept replay without it.
 */
export const ORIGINAL_REQUEST_ID = "Original-Request-Id";

/** The query of an operation that takes no parameters: any parameter is unknown. */
const noQuery = z.strictObject({});

/** A 10,000-item batch is about 2 MB of JSON; anything far beyond that is a mistake. */
export const MAX_BODY_BYTES = 8 * 1024 * 1024;

type Out<S> = S extends z.ZodType ? z.output<S> : undefined;

export type ApiContext<Body, Query, Params> = {
  request: Request;
  requestId: string;
  scope: Scope;
  /** Who acts, for audit trails: `api_key:key_…`. */
  actor: string;
  apiKeyId: string;
  /** The transaction of an idempotent request, else the shared handle. */
  db: DbOrTx;
  body: Body;
  query: Query;
  params: Params;
  idempotencyKey: string | null;
  /**
   * Runs `task` once the request's writes have committed (never for a refusal or a
   * replay), without the response waiting, with the pool's handle: for side effects
   * that must not happen before the commit (an email, a request to the background
   * engine about a row this request wrote).
   */
  afterCommit: (task: (db: DbOrTx) => Promise<unknown>) => void;
};

type Claim = { scope: Scope; key: string; token: string; fingerprint: string };

export type RouteContext = { params: Promise<Record<string, string | string[] | undefined>> };
export type RouteHandler = (request: Request, context?: RouteContext) => Promise<Response>;

function jsonResponse(status: number, body: string, headers: Record<string, string>): Response {
  return new Response(body, {
    status,
    headers: { "Content-Type": "application/json", "Cache-Control": "no-store", ...headers },
  });
}

export function problemResponse(
  error: AppError,
  requestId: string,
  headers: Record<string, string>,
): { response: Response; stored: StoredResponse } {
  const body = JSON.stringify(toProblem(error, requestId));
  const stored = {
    status: error.status,
    body,
    headers: { "Content-Type": PROBLEM_CONTENT_TYPE, [ORIGINAL_REQUEST_ID]: requestId },
  };
  return {
    response: new Response(body, {
      status: error.status,
      headers: { ...headers, "Content-Type": PROBLEM_CONTENT_TYPE, "Cache-Control": "no-store" },
    }),
    stored,
  };
}

function bearerToken(request: Request): string {
  const header = request.headers.get("authorization");
  if (!header) {
    throw new AppError(
      "unauthenticated",
      "No API key. Send it as `Authorization: Bearer sk_test_…` (or sk_live_…).",
    );
  }
  const match = /^Bearer\s+(\S+)\s*$/i.exec(header);
  if (!match?.[1]) {
    throw new AppError(
      "unauthenticated",
      "The Authorization header is malformed. Use `Authorization: Bearer sk_test_…`.",
    );
  }
  return match[1];
}

const bodyTooLarge = () =>
  new AppError("payload_too_large", `Request bodies are limited to ${MAX_BODY_BYTES} bytes.`);

/**
 * The body as text, read chunk by chunk and counted in bytes: a body sent without
 * Content-Length (chunked) is cut off at the limit, so a client cannot make the server
 * buffer more than 8 MiB by not saying how much it sends.
 */
export async function readBodyText(request: Request): Promise<string> {
  if (Number(request.headers.get("content-length") ?? "0") > MAX_BODY_BYTES) throw bodyTooLarge();
  if (!request.body) return "";
  const reader = request.body.getReader();
  const chunks: Uint8Array[] = [];
  let size = 0;
  for (;;) {
    let chunk: ReadableStreamReadResult<Uint8Array>;
    try {
      chunk = await reader.read();
    } catch {
      // The client went away mid-upload; nobody will read the answer, but it is not our fault.
      throw new AppError("invalid_request", "The request body could not be read.");
    }
    if (chunk.done) break;
    size += chunk.value.byteLength;
    if (size > MAX_BODY_BYTES) {
      await reader.cancel().catch(() => {});
      throw bodyTooLarge();
    }
    chunks.push(chunk.value);
  }
  return new TextDecoder().decode(Buffer.concat(chunks, size));
}

async function readJsonBody(request: Request): Promise<unknown> {
  const text = await readBodyText(request);
  if (text.trim() === "") return {};
  const type = request.headers.get("content-type");
  if (type && !/^application\/([\w.+-]+\+)?json\b/i.test(type)) {
    throw new AppError(
      "invalid_request",
      "Send the body as JSON with `Content-Type: application/json`.",
    );
  }
  try {
    return JSON.parse(text);
  } catch {
    throw new AppError("invalid_request", "The request body is not valid JSON.");
  }
}

function queryObject(url: URL): Record<string, string | string[]> {
  const out: Record<string, string | string[]> = {};
  for (const [key, value] of url.searchParams) {
    const existing = out[key];
    if (existing === undefined) out[key] = value;
    else out[key] = Array.isArray(existing) ? [...existing, value] : [existing, value];
  }
  return out;
}

function idempotencyKeyOf(request: Request, required: boolean): string | null {
  const key = request.headers.get("idempotency-key");
  if (key === null || key === "") {
    if (required) {
      throw new AppError(
        "idempotency_key_required",
        "This endpoint needs an `Idempotency-Key` header (e.g. a UUID you generate per operation) so a retry can never create it twice.",
      );
    }
    return null;
  }
  if (!IDEMPOTENCY_KEY_PATTERN.test(key)) {
    throw new AppError(
      "invalid_request",
      "The Idempotency-Key must be 1 to 255 printable ASCII characters without spaces.",
    );
  }
  return key;
}

/** What a route does beyond its own transaction, bound once where routes are declared. */
export type ApiHooks = {
  /**
   * Runs after a request's writes commit, without the response waiting for it: the
   * events the request wrote go to the background engine now rather than at the next
   * sweep. It must never throw.
   */
  afterCommit: () => Promise<void>;
};

/**
 * The one API handler wrapper: authenticates the key, resolves the organisation and
 * mode, applies the rate limit and idempotency, parses input, checks the response
 * against its schema and maps every throw to problem+json. `app/api/v1/api-route.ts`
 * binds it to the background engine; each route file declares its handlers with it.
 */
export function createApiRoute(hooks: ApiHooks) {
  return function apiRoute<
    Body extends z.ZodType | undefined,
    Query extends ObjectSchema | undefined,
    Params extends ObjectSchema | undefined,
    Response extends z.ZodType,
  >(
    operation: Operation<Body, Query, Params, Response>,
    handler: (
      context: ApiContext<Out<Body>, Out<Query>, Out<Params>>,
    ) => Promise<NoInfer<z.input<Response>>>,
    options: {
      /**
       * The same work for many requests of one caller at once, one result per item in
       * order, all or nothing. Given it, concurrent idempotent requests are group-committed
       * (lib/api/coalesce.ts); a group that fails is retried one request at a time.
       */
      bulk?: (
        tx: Tx,
        scope: Scope,
        items: { body: Out<Body>; actor: string }[],
      ) => Promise<NoInfer<z.input<Response>>[]>;
    } = {},
  ): RouteHandler {
    const usesIdempotency = operation.method === "POST";
    type Context = ApiContext<Out<Body>, Out<Query>, Out<Params>>;
    type Pending = { context: Context; key: string; token: string };

    const check = (result: unknown): string => {
      const checked = operation.response.schema.safeParse(result);
      if (!checked.success) {
        throw new Error(
          `Response of ${operation.operationId} does not match its schema: ${checked.error.message}`,
        );
      }
      return JSON.stringify(checked.data);
    };
    const render = async (context: Context, handle: DbOrTx) =>
      check(await handler({ ...context, db: handle }));
    const succeeded = (body: string, requestId: string): StoredResponse => ({
      status: operation.response.status,
      body,
      headers: { "Content-Type": "application/json", [ORIGINAL_REQUEST_ID]: requestId },
    });
    // A response holding a secret is kept sealed, bound to its key, and opened to replay.
    const sealContext = (scope: Scope, key: string) =>
      `idempotency:${scope.organisationId}:${scope.mode}:${key}`;
    const toStored = (scope: Scope, key: string, response: StoredResponse): StoredResponse =>
      operation.responseHoldsSecret
        ? { ...response, body: seal(response.body, sealContext(scope, key)) }
        : response;
    const fromStored = (scope: Scope, key: string, response: StoredResponse): StoredResponse =>
      operation.responseHoldsSecret
        ? { ...response, body: open(response.body, sealContext(scope, key)) }
        : response;
    const complete = (tx: DbOrTx, scope: Scope, pending: Pending[], rendered: string[]) =>
      completeIdempotencyKeys(
        tx,
        scope,
        pending.map(({ key, token, context }, i) => ({
          key,
          token,
          response: toStored(scope, key, succeeded(rendered[i] as string, context.requestId)),
        })),
      );
    const writeAlone = (pending: Pending) =>
      db.transaction(async (tx) => {
        const rendered = await render(pending.context, tx);
        await complete(tx, pending.context.scope, [pending], [rendered]);
        return rendered;
      });
    const { bulk } = options;
    const grouped = bulk
      ? coalescer<Pending, string>({
          maxGroup: 100,
          alone: writeAlone,
          group: (items) =>
            db.transaction(async (tx) => {
              const scope = (items[0] as Pending).context.scope;
              const results = await bulk(
                tx,
                scope,
                items.map(({ context }) => ({ body: context.body, actor: context.actor })),
              );
              const rendered = results.map(check);
              await complete(tx, scope, items, rendered);
              return rendered;
            }),
        })
      : null;

    return async (request, routeContext) => {
      const requestId = newId("request");
      const headers: Record<string, string> = { "Request-Id": requestId };
      let claim: Claim | null = null;
      const committedTasks: ((db: DbOrTx) => Promise<unknown>)[] = [];
      const committed = () => {
        void hooks.afterCommit();
        for (const task of committedTasks) {
          void task(db).catch((error) => logError(`api ${requestId}: after-commit task`, error));
        }
      };

      try {
        const apiKey = await authenticateApiKey(db, bearerToken(request));
        const scope: Scope = { organisationId: apiKey.organisationId, mode: apiKey.mode };
        if (operation.testModeOnly && scope.mode !== "test") {
          throw new AppError(
            "not_found",
            `There is no endpoint ${request.method} ${new URL(request.url).pathname} for live keys: test helpers exist in test mode only.`,
          );
        }

        const decision: RateLimitDecision = await consumeRateLimit(db, `api_key:${apiKey.id}`, {
          limit: config().API_RATE_LIMIT,
          periodMs: config().API_RATE_LIMIT_WINDOW_SECONDS * 1000,
        });
        Object.assign(headers, rateLimitHeaders(decision));
        if (!decision.allowed) {
          throw new AppError(
            "rate_limited",
            `Rate limit of ${decision.limit} requests per ${decision.policy.periodMs / 1000} s exceeded for this API key. Retry after ${decision.retryAfterSeconds} s.`,
          );
        }

        const idempotencyKey = usesIdempotency
          ? idempotencyKeyOf(request, operation.idempotency === "required")
          : null;
        const url = new URL(request.url);
        const rawParams = routeContext ? await routeContext.params : {};
        const params = (
          operation.params ? parseOrThrow(operation.params, rawParams, "path") : undefined
        ) as Out<Params>;
        // A route without query parameters refuses unknown ones like every other route.
        const query = parseOrThrow(operation.query ?? noQuery, queryObject(url), "query");
        const rawBody = operation.body || usesIdempotency ? await readJsonBody(request) : undefined;
        const body = (
          operation.body ? parseOrThrow(operation.body, rawBody, "body") : undefined
        ) as Out<Body>;

        const context: Context = {
          request,
          requestId,
          scope,
          actor: `api_key:${apiKey.id}`,
          apiKeyId: apiKey.id,
          db,
          body,
          query: (operation.query ? query : undefined) as Out<Query>,
          params,
          idempotencyKey,
          afterCommit: (task) => {
            committedTasks.push(task);
          },
        };

        if (!idempotencyKey) {
          const json = await render(context, db);
          if (operation.method !== "GET") committed();
          return jsonResponse(operation.response.status, json, headers);
        }

        const fingerprint = requestFingerprint(request.method, url.pathname, rawBody);
        const outcome = await claimIdempotencyKey(db, scope, idempotencyKey, fingerprint);
        if (outcome.kind === "replay") {
          // The first response again, byte for byte. `Request-Id` names this request;
          // `Original-Request-Id`, the one whose response this is (a problem body's
          // `request_id`).
          const replay = fromStored(scope, idempotencyKey, outcome.response);
          return new Response(replay.body, {
            status: replay.status,
            headers: {
              ...replay.headers,
              ...headers,
              "Cache-Control": "no-store",
              "Idempotent-Replayed": "true",
            },
          });
        }
        claim = { scope, key: idempotencyKey, token: outcome.token, fingerprint };
        const pending = { context, key: idempotencyKey, token: outcome.token };
        // One caller's concurrent requests may share a transaction (`bulk`); never two callers'.
        const json = grouped
          ? await grouped(`${scope.organisationId}:${scope.mode}:${apiKey.id}`, pending)
          : await writeAlone(pending);
        rememberCompletedResponse(
          scope,
          idempotencyKey,
          fingerprint,
          toStored(scope, idempotencyKey, succeeded(json, requestId)),
        );
        // The events this request wrote are committed: hand them to Inngest now rather
        // than at the next sweep. It never throws, and the response does not wait for it.
        committed();
        return jsonResponse(operation.response.status, json, headers);
      } catch (thrown) {
        const error = asAppError(thrown);
        if (error.code === "internal_error") {
          logError(`api ${requestId} ${request.method} ${new URL(request.url).pathname}`, thrown);
        }
        const { response, stored } = problemResponse(error, requestId, headers);
        if (claim)
          await settleFailedClaim(db, claim, error, toStored(claim.scope, claim.key, stored));
        return response;
      }
    };
  };
}

/**
 * The request's transaction rolled back, so nothing it did persists. A refusal the
 * client caused (4xx) is stored and replayed like any response, as Stripe does; after
 * an unexpected failure the key is released so the retry runs for real.
 */
async function settleFailedClaim(
  db: DbOrTx,
  claim: Claim,
  error: AppError,
  stored: StoredResponse,
): Promise<void> {
  try {
    if (error.status < 500 && error.code !== "idempotency_key_in_use") {
      await completeIdempotencyKeys(db, claim.scope, [{ ...claim, response: stored }]);
      rememberCompletedResponse(claim.scope, claim.key, claim.fingerprint, stored);
    } else {
      await releaseIdempotencyKey(db, claim.scope, claim.key, claim.token);
    }
  } catch (settleError) {
    // The claim goes stale and a retry takes it over; the response already says what failed.
    logError("api: could not settle idempotency key", settleError);
  }
}
