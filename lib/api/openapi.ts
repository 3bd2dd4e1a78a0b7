import { z } from "zod";
import {
  createDocument,
  type ZodOpenApiOperationObject,
  type ZodOpenApiPathsObject,
} from "zod-openapi";
import { AppError, type ErrorCode, errorCodes } from "@/lib/errors";
import { type EventType, eventResourceSchema, eventSchemas, eventTypes } from "@/lib/events/types";
import {
  DEFAULT_SLOW_POLLS,
  sandboxFailureReasons,
  sandboxMagicEndings,
} from "@/lib/providers/sandbox";
import { exampleEvent, exampleIds } from "./examples";
import { ORIGINAL_REQUEST_ID } from "./handler";
import { type AnyOperation, apiTags } from "./operation";
import { allOperations } from "./operations";
import {
  PROBLEM_CONTENT_TYPE,
  PROBLEM_TYPE_BASE,
  problemSchema,
  problemTitle,
  toProblem,
} from "./problem";

/** A response header, defined once under `components.headers` and referenced. */
const header = (id: string, schema: z.ZodType, description: string) =>
  schema.meta({ description, header: { id } });

const requestIdHeader = header(
  "Request-Id",
  z.string(),
  "Unique id of this request (`req_…`); quote it to support",
);

const rateLimitHeaders = {
  "RateLimit-Limit": header(
    "RateLimit-Limit",
    z.string(),
    "Requests this key may make per window (see `RateLimit-Policy`)",
  ),
  "RateLimit-Remaining": header(
    "RateLimit-Remaining",
    z.string(),
    "Requests left in the current window",
  ),
  "RateLimit-Reset": header(
    "RateLimit-Reset",
    z.string(),
    "Seconds until the full quota is available again",
  ),
  "RateLimit-Policy": header("RateLimit-Policy", z.string(), "The quota policy, e.g. `100;w=1`"),
};

/** On a POST's answer, success or refusal: a replay says so, and names the first request. */
const replayHeaders = {
  "Idempotent-Replayed": header(
    "Idempotent-Replayed",
    z.literal("true").optional(),
    "Present when this is the stored response to an earlier request with the same `Idempotency-Key`: the same status and body, byte for byte",
  ),
  [ORIGINAL_REQUEST_ID]: header(
    ORIGINAL_REQUEST_ID,
    z.string().optional(),
    "On a replay: the id of the request whose response this is. `Request-Id` names this request; a replayed problem's `request_id` is this one",
  ),
};

const retryAfterHeader = header("Retry-After", z.string(), "Seconds to wait before retrying");

function responseHeaders(operation: AnyOperation, extra: Record<string, z.ZodType> = {}) {
  return z.object({
    "Request-Id": requestIdHeader,
    ...rateLimitHeaders,
    ...(operation.method === "POST" ? replayHeaders : {}),
    ...extra,
  });
}

/** Problems every authenticated endpoint can answer with. */
function problemCodes(operation: AnyOperation): ErrorCode[] {
  // Every route refuses unknown query parameters, so every route may answer 422.
  const codes = new Set<ErrorCode>([
    "unauthenticated",
    "rate_limited",
    "validation_failed",
    "internal_error",
  ]);
  if (operation.params) codes.add("not_found");
  if (operation.body || operation.method === "POST") {
    codes.add("invalid_request");
    codes.add("payload_too_large");
  }
  if (operation.method === "POST") {
    codes.add("idempotency_key_reused");
    codes.add("idempotency_key_in_use");
    if (operation.idempotency === "required") codes.add("idempotency_key_required");
  }
  for (const code of operation.errors ?? []) codes.add(code);
  return [...codes];
}

/** A sentence each problem's example shows; what a real one says depends on the request. */
const exampleDetails: Record<ErrorCode, string> = {
  validation_failed:
    "The request body is invalid. amount: expected a positive whole number of minor units",
  invalid_request: "The request body is not valid JSON.",
  unauthenticated: "No API key. Send it as `Authorization: Bearer sk_test_…` (or sk_live_…).",
  forbidden: "This API key may not do that.",
  not_found: `No such object: ${exampleIds.payout}`,
  method_not_allowed: "/api/v1/payouts/{id} does not support DELETE; it supports GET.",
  conflict: "An organisation can have at most 16 webhook endpoints per mode; delete one first.",
  insufficient_funds:
    "The available balance cannot cover it: 5,000 USD minor units needed, 1,200 available. Nothing was reserved.",
  invalid_state_transition: "The payout is already with a provider and can no longer be canceled.",
  idempotency_key_required:
    "This endpoint needs an `Idempotency-Key` header (e.g. a UUID you generate per operation) so a retry can never create it twice.",
  idempotency_key_reused:
    "This Idempotency-Key was used with a different request (method, path or body). Use a new key.",
  idempotency_key_in_use:
    "A request with this Idempotency-Key is still running. Retry after it finishes.",
  rate_limited: "Rate limit of 100 requests per 1 s exceeded for this API key. Retry after 1 s.",
  live_mode_unavailable:
    "Test deposits exist in test mode only; live balances are funded by transfer.",
  payload_too_large: "Request bodies are limited to 8388608 bytes.",
  internal_error: "Something went wrong on our side. Quote the request id if you contact support.",
};

export function problemExample(code: ErrorCode) {
  return toProblem(
    new AppError(code, exampleDetails[code], {
      fieldErrors:
        code === "validation_failed"
          ? [{ path: "amount", message: "expected a positive whole number of minor units" }]
          : [],
    }),
    exampleIds.request,
  );
}

function problemResponses(operation: AnyOperation) {
  const byStatus = new Map<number, ErrorCode[]>();
  for (const code of problemCodes(operation)) {
    const status = errorCodes[code];
    byStatus.set(status, [...(byStatus.get(status) ?? []), code]);
  }
  return Object.fromEntries(
    [...byStatus.entries()]
      .sort(([a], [b]) => a - b)
      .map(([status, codes]) => [
        String(status),
        {
          description: codes.map((c) => `\`${c}\`: ${problemTitle(c)}`).join("; "),
          headers: responseHeaders(
            operation,
            status === 429 ? { "Retry-After": retryAfterHeader } : {},
          ),
          content: {
            [PROBLEM_CONTENT_TYPE]: {
              schema: problemSchema,
              examples: Object.fromEntries(
                codes.map((code) => [code, { $ref: `#/components/examples/${code}` }]),
              ),
            },
          },
        },
      ]),
  );
}

function curlExample(operation: AnyOperation, serverUrl: string): string {
  const query = operation.exampleQuery ? `?${new URLSearchParams(operation.exampleQuery)}` : "";
  const path = operation.path.replace(/\{(\w+)\}/g, (_, name: string) => `$${name.toUpperCase()}`);
  const lines = [
    `curl -X ${operation.method} "${serverUrl}${path}${query}"`,
    `  -H "Authorization: Bearer $DISBURSE_API_KEY"`,
  ];
  if (operation.method === "POST") lines.push(`  -H "Idempotency-Key: $(uuidgen)"`);
  if (operation.example !== undefined) {
    lines.push(`  -H "Content-Type: application/json"`);
    lines.push(`  -d '${JSON.stringify(operation.example)}'`);
  }
  return lines.join(" \\\n");
}

function toOpenApiOperation(operation: AnyOperation, serverUrl: string): ZodOpenApiOperationObject {
  const keySchema = z.string().min(1).max(255).meta({
    description:
      "A unique key per operation (e.g. a UUID). A retry with the same key and body replays the first response instead of acting twice. Kept 72 hours.",
  });
  const idempotencyHeader =
    operation.method === "POST"
      ? z.object({
          "Idempotency-Key":
            operation.idempotency === "required" ? keySchema : keySchema.optional(),
        })
      : undefined;
  return {
    operationId: operation.operationId,
    summary: operation.summary,
    ...(operation.description ? { description: operation.description } : {}),
    tags: [operation.tag],
    requestParams: {
      ...(operation.params ? { path: operation.params } : {}),
      ...(operation.query ? { query: operation.query } : {}),
      ...(idempotencyHeader ? { header: idempotencyHeader } : {}),
    },
    ...(operation.body
      ? {
          requestBody: {
            // An empty body is read as `{}`: required only when `{}` is not enough.
            required: !operation.body.safeParse({}).success,
            content: {
              "application/json": {
                schema: operation.body,
                ...(operation.example !== undefined ? { example: operation.example } : {}),
              },
            },
          },
        }
      : {}),
    responses: {
      [String(operation.response.status)]: {
        description: operation.response.description,
        headers: responseHeaders(operation),
        content: {
          "application/json": {
            schema: operation.response.schema,
            ...(operation.response.example !== undefined
              ? { example: operation.response.example }
              : {}),
          },
        },
      },
      ...problemResponses(operation),
    },
    "x-codeSamples": [{ lang: "Shell", label: "curl", source: curlExample(operation, serverUrl) }],
  };
}

/** "13" for 13n: an amount ending, as the last two digits. */
const pad = (ending: bigint) => ending.toString().padStart(2, "0");

const claimLinks = `## Claim links

You never collect bank details. Each payout that passes screening gets a **claim link**, \`/c/{token}\` on this server, emailed to the recipient (in test mode without SMTP, to the dev mailbox at \`/dev/mailbox\`), and the payout becomes \`claimable\` (event \`payout.claimable\`). The recipient opens the link, proves the address with a 6-digit code sent to the email on file, picks a payout method offered in their country for that currency and amount, and enters its details; the payout becomes \`claimed\`, then \`processing\` and \`paid\`, each with its event. The link is the recipient's alone: its token is stored only as a hash, it belongs to one payout, it expires with the payout (\`expires_at\`, from the batch's \`expires_in_days\`, 30 days by default, counted from when the link is issued), and it claims only while the payout is \`claimable\`: afterwards it shows the verified recipient the payment's status. Reminders go out before expiry; an unclaimed payout then becomes \`expired\` and its funds return to your balance. Too many wrong codes lock a link.`;

const sandboxOutcomes = `## Test mode: the sandbox

A \`sk_test_…\` key moves only test money: fund it with \`POST /funding/test_deposits\`, and every claimed payout is paid by the sandbox provider, which pays nothing out. The **last two digits of the amount in minor units** choose the outcome:

| amount ends in | outcome |
| --- | --- |
| \`${pad(sandboxMagicEndings.accountClosed)}\` (\`1013\` is USD 10.13) | \`failed\`, account closed; the recipient chooses again |
| \`${pad(sandboxMagicEndings.returned)}\` | \`paid\`, then \`returned\` on the next poll |
| \`${pad(sandboxMagicEndings.slow)}\` | \`processing\` for ${DEFAULT_SLOW_POLLS} polls (about a minute each), then \`paid\` |
| anything else | \`paid\` at once |

A closed account fails with \`failure_reason\` "${sandboxFailureReasons.closed}" A returned payout's money is reserved again for the recipient's next choice. \`${pad(sandboxMagicEndings.accountClosed)}\` and \`${pad(sandboxMagicEndings.returned)}\` apply only to methods that pay into an account (bank, wallet, mobile money): a gift card, prepaid Visa or donation of the same amount is paid, so you can test a failure followed by a successful second choice. Whatever the amount, the sandbox fails what a real provider would refuse: details that do not pass the method's checks, a currency, amount or country the method does not take, or a sanctioned country (\`failure_reason\` says which).`;

const description = (
  appUrl: string,
) => `The Disburse API pays people: create recipients, send payouts one at a time or in batches of up to 10,000, and follow them through events and webhooks.

**Authentication.** Send \`Authorization: Bearer sk_test_…\` (or \`sk_live_…\`). A key belongs to one organisation and one mode; test keys never see live data and vice versa.

**Conventions.** JSON in and out. Ids carry a type prefix (\`po_\`, \`rcp_\`, \`bat_\`, …). Amounts are integers in the currency's minor unit (\`5000\` USD is $50.00) with an ISO 4217 \`currency\`. Times are ISO 8601 in UTC. Lists run newest first: pass \`limit\` (1–100) and \`starting_after\` (the last id you saw) while \`has_more\` is true.

Unknown query parameters are refused (422) on every route, as unknown body fields are.

**Idempotency.** Every POST accepts an \`Idempotency-Key\` header (payouts and batches require one). A retry with the same key and body gets the first response again, byte for byte, marked \`Idempotent-Replayed: true\` — refusals (4xx) included. A replay's \`Request-Id\` names the retry; \`Original-Request-Id\` names the request whose response it is, which is also the \`request_id\` of a replayed problem. The same key with a different body is refused (422) and a retry while the first is still running gets 409. Keys are kept for 72 hours.

**Errors.** Failures are RFC 9457 \`application/problem+json\` with a stable \`code\`, a \`type\` URI under ${PROBLEM_TYPE_BASE}, and for invalid input an \`errors\` array of \`{ path, message }\` (e.g. \`items.3.amount\`). Every response carries a \`Request-Id\` header.

**Rate limits.** Per API key, shared by all servers, reported in \`RateLimit-*\` headers; over the limit you get 429 with \`Retry-After\`.

**Webhooks.** Events are POSTed to your endpoints signed per Standard Webhooks; each type's payload is under Webhooks below.

**TypeScript SDK.** \`@disburse/sdk\` (the repository's \`sdk/\` folder) is typed from this document and handles authentication, retries with idempotency keys, pagination, typed errors and webhook verification: [its README](${appUrl}/docs/sdk).

${claimLinks}

${sandboxOutcomes}`;

/** When each event type is sent, for the `webhooks` section. */
const eventDescriptions: Record<EventType, string> = {
  "payout.created": "A payout was created and its funds reserved.",
  "payout.claimable":
    "Screening passed (or a reviewer cleared it) and the payout's claim link was issued.",
  "payout.claimed": "The recipient verified and chose a method.",
  "payout.processing": "The payout was submitted to the provider.",
  "payout.paid": "The provider paid the payout.",
  "payout.failed":
    "The provider refused the payout; the money is held for the recipient's next pick. `reason` says why.",
  "payout.returned": "A paid payout came back (a bank return); the money is held for another pick.",
  "payout.expired": "The payout's link expired unclaimed; its funds are back in `available`.",
  "payout.canceled":
    "The payout was canceled (by you, a campaign cancel, or a screening block); its funds were released.",
  "batch.created": "A campaign was created.",
  "batch.completed":
    "A campaign's fan-out finished: every payout screened, linked and invited. `progress` counts payouts by status.",
  "balance.low":
    "`available` fell below your threshold for the currency, or work about to be submitted needs more than `available` (`projected_shortfall`).",
  "balance.funded": "Money was added to the balance.",
  "recipient.review_required": "Screening or a limit needs a person before the payout can go on.",
  "payout.awaiting_tax_info":
    "The recipient's yearly total with you reached a tax-reporting threshold: the claim waits for their W-9 or W-8BEN.",
  "report.created": "A report was requested; it is generated in the background.",
  "report.ready":
    "A report finished; read it with `GET /reports/{id}` for its signed download links.",
  "report.failed": "A report could not be generated; `failure_reason` says why.",
  "reconciliation.exception":
    "The daily reconciliation found a difference between a provider's settled records and the ledger (`kind` says which).",
  "recipient.help_requested":
    "A recipient asked you for help from their claim page: a new link (`reason`: their link expired, was replaced or got locked after wrong codes) or another way to be paid (the only method offered to them failed). Reissue or resend the payout's link, or contact them. Your support address is emailed too.",
  ping: 'A test event, sent only by `POST /webhook_endpoints/{id}/test` (or the dashboard\'s "Send test event") to that endpoint alone. No endpoint subscribes to it.',
};

/** `payout.paid` → `PayoutPaidEvent`: the component name of a type's payload. */
function eventSchemaName(type: EventType): string {
  const words = type.split(/[._]/).map((w) => `${w.charAt(0).toUpperCase()}${w.slice(1)}`);
  return `${words.join("")}Event`;
}

/** What a delivery of `type` carries: the event resource, its `data` typed. */
function eventPayloadSchema(type: EventType) {
  return eventResourceSchema
    .extend({ type: z.literal(type), data: eventSchemas[type] })
    .meta({ description: eventDescriptions[type], unusedIO: "output" });
}

const signatureHeaders = z.object({
  "webhook-id": z
    .string()
    .meta({ description: "The event id: the same on every retry and replay; deduplicate on it" }),
  "webhook-timestamp": z
    .string()
    .meta({ description: "When this attempt was signed, in Unix seconds" }),
  "webhook-signature": z.string().meta({
    description:
      "`v1,` and the base64 HMAC-SHA256 of `{webhook-id}.{webhook-timestamp}.{body}` keyed with your endpoint's secret (Standard Webhooks)",
  }),
});

function webhookOperations(): ZodOpenApiPathsObject {
  return Object.fromEntries(
    eventTypes.map((type) => [
      type,
      {
        post: {
          operationId: `webhook${eventSchemaName(type)}`,
          summary: type,
          description: eventDescriptions[type],
          tags: ["Events"],
          security: [],
          requestParams: { header: signatureHeaders },
          requestBody: {
            required: true,
            content: {
              "application/json": {
                schema: { $ref: `#/components/schemas/${eventSchemaName(type)}` },
                example: exampleEvent(type),
              },
            },
          },
          responses: {
            "2XX": { description: "Received: any 2xx within 15 seconds ends the delivery" },
            "410": {
              description:
                "Gone: the delivery fails at once, the endpoint is disabled and its pending deliveries canceled",
            },
          },
        },
      },
    ]),
  );
}

export function buildOpenApiDocument(appUrl: string, operations: AnyOperation[] = allOperations) {
  const serverUrl = `${appUrl}/api/v1`;
  const paths: ZodOpenApiPathsObject = {};
  for (const operation of operations) {
    paths[operation.path] ??= {};
    const item = paths[operation.path] as NonNullable<ZodOpenApiPathsObject[string]>;
    item[operation.method.toLowerCase() as "get" | "post" | "patch" | "delete"] =
      toOpenApiOperation(operation, serverUrl);
  }
  return createDocument(
    {
      openapi: "3.1.0",
      info: {
        title: "Disburse API",
        version: "1.0.0",
        description: description(appUrl),
        license: { name: "MIT", identifier: "MIT" },
      },
      servers: [{ url: serverUrl }],
      security: [{ apiKey: [] }],
      tags: [...new Set(operations.map((o) => o.tag))].map((name) => ({
        name,
        description: apiTags[name],
      })),
      components: {
        // One example per problem code some operation answers with, referenced from each.
        examples: Object.fromEntries(
          [...new Set(operations.flatMap(problemCodes))].map((code) => [
            code,
            { summary: problemTitle(code), value: problemExample(code) },
          ]),
        ),
        // Rendered as what is sent (`unusedIO` output): amounts as JSON integers.
        schemas: Object.fromEntries(
          eventTypes.map((t) => [eventSchemaName(t), eventPayloadSchema(t)]),
        ),
        securitySchemes: {
          apiKey: {
            type: "http",
            scheme: "bearer",
            description: "A secret API key: `sk_test_…` for test mode, `sk_live_…` for live mode.",
          },
        },
      },
      paths,
      webhooks: webhookOperations(),
    },
    {
      // A response may gain fields (clients must ignore unknown ones), so objects are
      // documented open, as requests render them: one `Payout` component serves responses
      // and event payloads alike.
      override: ({ jsonSchema, io }) => {
        if (io === "output" && jsonSchema.additionalProperties === false) {
          delete jsonSchema.additionalProperties;
        }
      },
    },
  );
}
