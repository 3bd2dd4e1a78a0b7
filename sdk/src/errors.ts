import type { components } from "./schema";

export type Problem = components["schemas"]["Problem"];
export type ProblemCode = Problem["code"];

/**
 * A refusal or failure the API answered with (RFC 9457 problem+json): `code` is stable
 * and typed, `errors` names each invalid field, `requestId` is what support asks for.
 */
export class DisburseError extends Error {
  override name = "DisburseError";
  readonly status: number;
  readonly code: ProblemCode;
  readonly title: string;
  readonly detail: string;
  readonly type: string;
  readonly errors: NonNullable<Problem["errors"]>;
  /** The `request_id` of the request that produced this answer (the first one, on a replay). */
  readonly requestId: string;
  /** Whether this is the stored answer to an earlier request with the same idempotency key. */
  readonly replayed: boolean;

  constructor(problem: Problem, response: Response) {
    super(`${problem.code}: ${problem.detail}`);
    this.status = problem.status;
    this.code = problem.code;
    this.title = problem.title;
    this.detail = problem.detail;
    this.type = problem.type;
    this.errors = problem.errors ?? [];
    this.requestId = problem.request_id;
    this.replayed = response.headers.get("idempotent-replayed") === "true";
  }
}

/** The API could not be reached, or answered something that is not the API's. */
export class DisburseConnectionError extends Error {
  override name = "DisburseConnectionError";
  readonly status: number | null;

  constructor(message: string, options: { status?: number; cause?: unknown } = {}) {
    super(message, { cause: options.cause });
    this.status = options.status ?? null;
  }
}

/** Whether `error` is a `DisburseError`, optionally with this `code`. */
export function isDisburseError<C extends ProblemCode>(
  error: unknown,
  code?: C,
): error is DisburseError & { code: C } {
  return error instanceof DisburseError && (code === undefined || error.code === code);
}

/** The answer as a `DisburseError`, or a `DisburseConnectionError` when it is not problem+json. */
export async function errorFrom(response: Response): Promise<Error> {
  const type = response.headers.get("content-type") ?? "";
  if (type.includes("application/problem+json")) {
    try {
      return new DisburseError((await response.clone().json()) as Problem, response);
    } catch {
      // Not the JSON it claims to be: reported below like any foreign answer.
    }
  }
  return new DisburseConnectionError(`HTTP ${response.status} without a problem body`, {
    status: response.status,
  });
}
