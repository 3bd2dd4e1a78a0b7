import { z } from "zod";
import { AppError, type ErrorCode, errorCodes, type FieldError } from "@/lib/errors";
import { newId } from "@/lib/ids";

export const PROBLEM_CONTENT_TYPE = "application/problem+json";
export const PROBLEM_TYPE_BASE = "https://disburse.dev/problems/";

/** A short, stable title per code (RFC 9457 `title` must not vary between occurrences). */
const titles: Record<ErrorCode, string> = {
  validation_failed: "Validation failed",
  invalid_request: "Invalid request",
  unauthenticated: "Unauthenticated",
  forbidden: "Forbidden",
  not_found: "Not found",
  method_not_allowed: "Method not allowed",
  conflict: "Conflict",
  insufficient_funds: "Insufficient funds",
  invalid_state_transition: "Invalid state transition",
  idempotency_key_required: "Idempotency key required",
  idempotency_key_reused: "Idempotency key reused",
  idempotency_key_in_use: "Idempotency key in use",
  rate_limited: "Too many requests",
  live_mode_unavailable: "Not available in live mode",
  payload_too_large: "Payload too large",
  internal_error: "Internal error",
};

export function problemTitle(code: ErrorCode): string {
  return titles[code];
}

export const problemSchema = z
  .object({
    type: z.url().meta({ example: `${PROBLEM_TYPE_BASE}validation_failed` }),
    title: z.string(),
    status: z.int(),
    detail: z.string(),
    code: z.enum(Object.keys(errorCodes) as [ErrorCode, ...ErrorCode[]]),
    request_id: z.string().meta({ example: "req_01hx0000000000000000000000" }),
    errors: z
      .array(
        z.object({
          path: z.string().meta({ description: "Dotted path of the field, e.g. `items.3.amount`" }),
          message: z.string(),
        }),
      )
      .optional(),
  })
  .meta({ id: "Problem", description: "An RFC 9457 problem detail" });

export type Problem = z.infer<typeof problemSchema>;

export function toProblem(error: AppError, requestId: string): Problem {
  return {
    type: `${PROBLEM_TYPE_BASE}${error.code}`,
    title: titles[error.code],
    status: error.status,
    detail: error.message,
    code: error.code,
    request_id: requestId,
    ...(error.fieldErrors.length ? { errors: error.fieldErrors } : {}),
  };
}

/**
 * Anything that is not an AppError is a bug or an outage: the client gets a generic
 * 500 with the request id to quote, never the internal message.
 */
export function asAppError(error: unknown): AppError {
  if (error instanceof AppError) return error;
  return new AppError(
    "internal_error",
    "Something went wrong on our side. Quote the request id if you contact support.",
    {
      cause: error,
    },
  );
}

export type { FieldError };

/**
 * The answer to an API path that is not valid percent-encoding: it names nothing, so
 * 404 like any unknown id. Built here, light enough for proxy.ts, which answers it
 * before Next's router would fail to decode the path.
 */
export function malformedPathResponse(pathname: string): Response {
  const requestId = newId("request");
  const problem = toProblem(
    new AppError(
      "not_found",
      `No such resource: ${pathname} is not valid percent-encoding (UTF-8 escaped as %XX).`,
    ),
    requestId,
  );
  return new Response(JSON.stringify(problem), {
    status: 404,
    headers: {
      "Content-Type": PROBLEM_CONTENT_TYPE,
      "Cache-Control": "no-store",
      "Request-Id": requestId,
    },
  });
}
