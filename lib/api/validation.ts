import type { z } from "zod";
import { AppError, type FieldError } from "@/lib/errors";

/**
 * Our schemas phrase custom messages as the expectation ("a positive whole number of
 * minor units"); zod's built-in messages are full sentences. Both read well after this.
 */
function messageOf(issue: z.core.$ZodIssue): string {
  if (issue.code === "invalid_type" && issue.message.endsWith("received undefined")) {
    return "is required";
  }
  if (issue.code === "unrecognized_keys") {
    return `unknown field${issue.keys.length > 1 ? "s" : ""}: ${issue.keys.join(", ")}`;
  }
  const first = issue.message.charAt(0);
  return first === first.toLowerCase() ? `expected ${issue.message}` : issue.message;
}

export function fieldErrorsOf(error: z.ZodError): FieldError[] {
  return error.issues.map((issue) => ({
    path: issue.path.map(String).join("."),
    message: messageOf(issue),
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
  const errors = fieldErrorsOf(result.error);
  const summary =
    errors.length === 1
      ? `${errors[0]?.path || where}: ${errors[0]?.message}`
      : `${errors.length} fields are invalid; see errors.`;
  throw new AppError("validation_failed", `The request ${where} is invalid. ${summary}`, {
    fieldErrors: errors,
  });
}
