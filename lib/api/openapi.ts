import { z } from "zod";
import {
  createDocument,
  type ZodOpenApiOperationObject,
  type ZodOpenApiPathsObject,
} from "zod-openapi";
import { type ErrorCode, errorCodes } from "@/lib/errors";
import {
  DEFAULT_SLOW_POLLS,
  sandboxFailureReasons,
  sandboxMagicEndings,
} from "@/lib/providers/sandbox";
import type { AnyOperation } from "./operation";
import { allOperations } from "./operations";
import { PROBLEM_CONTENT_TYPE, PROBLEM_TYPE_BASE, problemSchema, problemTitle } from "./problem";

const requestIdHeader = z
  .string()
  .meta({ description: "Unique id of this request (`req_…`); quote it to support" });

const successHeaders = z.object({
  "Request-Id": requestIdHeader,
  "RateLimit-Limit": z
    .string()
    .meta({ description: "Requests this key may make per window (see `RateLimit-Policy`)" }),
  "RateLimit-Remaining": z.string().meta({ description: "Requests left in the current window" }),
  "RateLimit-Reset": z
    .string()
    .meta({ description: "Seconds until the full quota is available again" }),
  "RateLimit-Policy": z.string().meta({ description: "The quota policy, e.g. `100;w=1`" }),
});

const replayHeaders = successHeaders.extend({
  "Idempotent-Replayed": z.literal("true").optional().meta({
    description:
      "Present when this is the stored response to an earlier request with the same Idempotency-Key",
  }),
});

/** Problems every authenticated endpoint can answer with. */
function problemCodes(operation: AnyOperation): ErrorCode[] {
  const codes = new Set<ErrorCode>(["unauthenticated", "rate_limited", "internal_error"]);
  if (operation.body || operation.query) codes.add("validation_failed");
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
          headers:
            status === 429
              ? successHeaders.extend({ "Retry-After": z.string() })
              : z.object({ "Request-Id": requestIdHeader }),
          content: { [PROBLEM_CONTENT_TYPE]: { schema: problemSchema } },
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
            required: true,
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
        headers: operation.method === "POST" ? replayHeaders : successHeaders,
        content: { "application/json": { schema: operation.response.schema } },
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

const description = `The Disburse API pays people: create recipients, send payouts one at a time or in batches of up to 10,000, and follow them through events and webhooks.

**Authentication.** Send \`Authorization: Bearer sk_test_…\` (or \`sk_live_…\`). A key belongs to one organisation and one mode; test keys never see live data and vice versa.

**Conventions.** JSON in and out. Ids carry a type prefix (\`po_\`, \`rcp_\`, \`bat_\`, …). Amounts are integers in the currency's minor unit (\`5000\` USD is $50.00) with an ISO 4217 \`currency\`. Times are ISO 8601 in UTC. Lists run newest first: pass \`limit\` (1–100) and \`starting_after\` (the last id you saw) while \`has_more\` is true.

**Idempotency.** Every POST accepts an \`Idempotency-Key\` header (payouts and batches require one). A retry with the same key and body gets the first response again, marked \`Idempotent-Replayed: true\`; the same key with a different body is refused (422) and a retry while the first is still running gets 409. Keys are kept for 72 hours.

**Errors.** Failures are RFC 9457 \`application/problem+json\` with a stable \`code\`, a \`type\` URI under ${PROBLEM_TYPE_BASE}, and for invalid input an \`errors\` array of \`{ path, message }\` (e.g. \`items.3.amount\`). Every response carries a \`Request-Id\` header.

**Rate limits.** Per API key, shared by all servers, reported in \`RateLimit-*\` headers; over the limit you get 429 with \`Retry-After\`.

${claimLinks}

${sandboxOutcomes}`;

export function buildOpenApiDocument(appUrl: string, operations: AnyOperation[] = allOperations) {
  const serverUrl = `${appUrl}/api/v1`;
  const paths: ZodOpenApiPathsObject = {};
  for (const operation of operations) {
    paths[operation.path] ??= {};
    const item = paths[operation.path] as NonNullable<ZodOpenApiPathsObject[string]>;
    item[operation.method.toLowerCase() as "get" | "post" | "patch" | "delete"] =
      toOpenApiOperation(operation, serverUrl);
  }
  return createDocument({
    openapi: "3.1.0",
    info: {
      title: "Disburse API",
      version: "1.0.0",
      description,
      license: { name: "MIT", identifier: "MIT" },
    },
    servers: [{ url: serverUrl }],
    security: [{ apiKey: [] }],
    tags: [...new Set(operations.map((o) => o.tag))].map((name) => ({ name })),
    components: {
      securitySchemes: {
        apiKey: {
          type: "http",
          scheme: "bearer",
          description: "A secret API key: `sk_test_…` for test mode, `sk_live_…` for live mode.",
        },
      },
    },
    paths,
  });
}
