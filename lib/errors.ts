import type { z } from "zod";
import { unsafeTextIn } from "@/lib/text";

/**
 * The one error type of the domain. Each code maps to one HTTP status in one place
 * (`statusOf`), so lib/ code says what went wrong and the edges decide how to show it.
 */
export const errorCodes = {
  validation_failed: 422,
  invalid_request: 400,
  unauthenticated: 401,
  forbidden: 403,
  not_found: 404,
  method_not_allowed: 405,
  conflict: 409,
  insufficient_funds: 422,
  invalid_state_transition: 409,
  idempotency_key_required: 400,
  idempotency_key_reused: 422,
  idempotency_key_in_use: 409,
  rate_limited: 429,
  live_mode_unavailable: 403,
  payload_too_large: 413,
  internal_error: 500,
} as const;

export type ErrorCode = keyof typeof errorCodes;

export type FieldError = { path: string; message: string };

export class AppError extends Error {
  override name = "AppError";
  readonly code: ErrorCode;
  readonly fieldErrors: FieldError[];
  readonly meta: Record<string, unknown>;

  constructor(
    code: ErrorCode,
    message: string,
    options: { fieldErrors?: FieldError[]; meta?: Record<string, unknown>; cause?: unknown } = {},
  ) {
    super(message, { cause: options.cause });
    this.code = code;
    this.fieldErrors = options.fieldErrors ?? [];
    this.meta = options.meta ?? {};
  }

  get status(): number {
    return errorCodes[this.code];
  }
}

export function isAppError(error: unknown, code?: ErrorCode): error is AppError {
  return error instanceof AppError && (code === undefined || error.code === code);
}

/**
 * Parses a form's input with its schema, or refuses it with each field's message: what
 * every audited dashboard command does before it touches anything.
 */
export function parseInput<T extends z.ZodType>(
  schema: T,
  input: unknown,
  what: string,
): z.output<T> {
  // Text no column can hold is refused whichever field it is in (lib/text.ts).
  const unsafe = unsafeTextIn(input);
  if (unsafe.length > 0) {
    throw new AppError("validation_failed", `The ${what} is not valid.`, { fieldErrors: unsafe });
  }
  const parsed = schema.safeParse(input);
  if (!parsed.success) {
    throw new AppError("validation_failed", `The ${what} is not valid.`, {
      fieldErrors: parsed.error.issues.map((i) => ({ path: i.path.join("."), message: i.message })),
    });
  }
  return parsed.data;
}
