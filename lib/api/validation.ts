import type { z } from "zod";
import { AppError, type FieldError } from "@/lib/errors";

/**
 * Our schemas phrase custom messages as the expectation ("a positive whole number of
 * minor units"); zod's built-in messages are full sentences. Both read well after this.
 */
function messageOf(issue: z.core.$ZodIssue, input: unknown): string {
  const typeIssue = ["invalid_type", "invalid_value", "invalid_union"].includes(issue.code);
  if (typeIssue && issue.path.length > 0 && valueAt(input, issue.path) === undefined) {
    return "is required";
  }
  if (issue.code === "unrecognized_keys") {
    return `unknown field${issue.keys.length > 1 ? "s" : ""}: ${issue.keys.join(", ")}`;
  }
  const first = issue.message.charAt(0);
  return first === first.toLowerCase() ? `expected ${issue.message}` : issue.message;
}

function valueAt(input: unknown, path: PropertyKey[]): unknown {
  let value = input;
  for (const key of path) {
    if (value === null || typeof value !== "object") return undefined;
    value = (value as Record<PropertyKey, unknown>)[key];
  }
  return value;
}

export function fieldErrorsOf(error: z.ZodError, input: unknown): FieldError[] {
  return error.issues.map((issue) => ({
    path: issue.path.map(String).join("."),
    message: messageOf(issue, input),
  }));
}

export function parseOrThrow<S extends z.ZodType>(
  schema: S,
  input: unknown,
  where: "body" | "query" | "path",
): z.output<S> {
  const result = schema.safeParse(input);
  if (result.success) return result.data;
  // A malformed path parameter names nothing that exists; saying so beats a 422.
  if (where === "path") throw new AppError("not_found", "No such resource.");
  const errors = fieldErrorsOf(result.error, input);
  const summary =
    errors.length === 1
      ? `${errors[0]?.path || where}: ${errors[0]?.message}`
      : `${errors.length} fields are invalid; see errors.`;
  throw new AppError("validation_failed", `The request ${where} is invalid. ${summary}`, {
    fieldErrors: errors,
  });
}
