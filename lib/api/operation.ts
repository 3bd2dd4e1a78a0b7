import type { z } from "zod";
import type { ErrorCode } from "@/lib/errors";

/** The reference's sections, each with the description it shows. */
export const apiTags: Record<string, string> = {
  Recipients: "The people you pay. Payouts can also name a recipient inline.",
  Payouts:
    "Money to one recipient: created with its amount reserved, then claimed by the recipient through their link and paid by the method they choose.",
  Batches:
    "Campaigns of up to 10,000 payouts created in one request, all funded or none, with progress by status.",
  Balances: "Your money by currency and where it sits, the ledger's transfers, and test funds.",
  Events:
    "Everything that happened, kept for catching up and for replaying to your webhook endpoints.",
  "Webhook endpoints":
    "Where events are delivered, signed per Standard Webhooks, with every delivery and attempt logged.",
  Methods: "Which payout methods can pay a recipient, with fees and limits.",
  "Test helpers":
    "Test mode only: move a payout through its life (claim, pay, fail, return, expire) and advance your test clock, so every event can be scripted without a browser.",
  Reports:
    "CSV reports generated in the background (payouts, ledger, reconciliation, 1099-NEC, DAC7, recipient statements), downloaded from signed links that expire.",
  Screenings:
    "Check a recipient against the sanctions lists and country blocks before paying them; answers an outcome and reason codes, never the list entry.",
};

export type HttpMethod = "GET" | "POST" | "PATCH" | "DELETE";

/** Query and path schemas take an object of strings (and may transform it). */
export type ObjectSchema = z.ZodType<unknown, Record<string, unknown>>;

/**
 * One endpoint's contract: what it accepts and returns, as zod schemas. The handler
 * wrapper parses with these, and the OpenAPI document is generated from these, so the
 * docs cannot drift from what the code enforces.
 */
export type Operation<
  Body extends z.ZodType | undefined = z.ZodType | undefined,
  Query extends ObjectSchema | undefined = ObjectSchema | undefined,
  Params extends ObjectSchema | undefined = ObjectSchema | undefined,
  Response extends z.ZodType = z.ZodType,
> = {
  method: HttpMethod;
  /** OpenAPI path relative to `/api/v1`, with `{name}` parameters: `/payouts/{id}`. */
  path: string;
  operationId: string;
  summary: string;
  description?: string;
  /** A section of the reference; each has its description in `apiTags`. */
  tag: string;
  body?: Body;
  query?: Query;
  params?: Params;
  /**
   * Exists in test mode only: a live key gets 404, before anything is parsed, as for a
   * path no endpoint serves.
   */
  testModeOnly?: true;
  /** POSTs only. Default "optional": a key is honoured when sent. */
  idempotency?: "required" | "optional";
  response: {
    status: 200 | 201;
    schema: Response;
    description: string;
    /**
     * What the reference shows. Every public operation has one: tests/api/openapi.test.ts
     * checks that, and that `schema` accepts it.
     */
    example?: z.input<Response>;
  };
  /**
   * The response carries a secret shown this once (a signing secret). Its idempotent copy,
   * replayed to a retry, is then stored sealed rather than in plain text.
   */
  responseHoldsSecret?: true;
  /** Problem codes this endpoint can answer with, beyond the ones every endpoint has. */
  errors?: ErrorCode[];
  /** A request body for the docs' curl example. */
  example?: unknown;
  /** Query parameters for the docs' curl example. */
  exampleQuery?: Record<string, string>;
};

export function defineOperation<
  Body extends z.ZodType | undefined = undefined,
  Query extends ObjectSchema | undefined = undefined,
  Params extends ObjectSchema | undefined = undefined,
  Response extends z.ZodType = z.ZodType,
>(operation: Operation<Body, Query, Params, Response>): Operation<Body, Query, Params, Response> {
  return operation;
}

export type AnyOperation = Operation<
  z.ZodType | undefined,
  ObjectSchema | undefined,
  ObjectSchema | undefined,
  z.ZodType
>;
