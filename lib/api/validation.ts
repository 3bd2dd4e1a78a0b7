import { closest, distance } from "fastest-levenshtein";
import { z } from "zod";
import { AppError, type FieldError } from "@/lib/errors";
import { unsafeTextIn } from "@/lib/text";

/**
 * Our schemas phrase custom messages as the expectation ("a positive whole number of
 * minor units"); zod's built-in messages are full sentences. Both read well after this.
 */
function messageOf(issue: z.core.$ZodIssue, input: unknown, schema: z.ZodType): string {
  const typeIssue = ["invalid_type", "invalid_value", "invalid_union"].includes(issue.code);
  if (typeIssue && issue.path.length > 0 && valueAt(input, issue.path) === undefined) {
    return "is required";
  }
  if (issue.code === "unrecognized_keys") {
    const known = Object.keys(objectAt(schema, issue.path)?.shape ?? {});
    const named = issue.keys.map((key) => {
      const suggestion = suggestionFor(key, known);
      return suggestion ? `${key} (did you mean ${suggestion}?)` : key;
    });
    return `unknown field${issue.keys.length > 1 ? "s" : ""}: ${named.join(", ")}`;
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

/** The object schema that validates the value at `path`, looking through arrays, optionals and transforms. */
function objectAt(schema: z.ZodType, path: PropertyKey[]): z.ZodObject | null {
  let current: z.ZodType | undefined = schema;
  for (let i = 0; current && i <= path.length; ) {
    if (
      current instanceof z.ZodOptional ||
      current instanceof z.ZodNullable ||
      current instanceof z.ZodDefault
    ) {
      current = current.unwrap() as z.ZodType;
    } else if (current instanceof z.ZodPipe) {
      current = current.in as z.ZodType;
    } else if (i === path.length) {
      return current instanceof z.ZodObject ? current : null;
    } else if (current instanceof z.ZodObject) {
      current = current.shape[String(path[i++])] as z.ZodType | undefined;
    } else if (current instanceof z.ZodArray) {
      current = current.element as z.ZodType;
      i++;
    } else {
      return null;
    }
  }
  return null;
}

/**
 * The name a mistyped one most likely meant: the same name in another case or
 * separator style (recipientId → recipient_id), the id it names (recipient →
 * recipient_id), or a near spelling (recipent_id).
 */
export function suggestionFor(key: string, known: string[]): string | null {
  if (known.length === 0) return null;
  const plain = (name: string) => name.toLowerCase().replace(/[_-]/g, "");
  const sameName = known.find((name) => plain(name) === plain(key));
  if (sameName) return sameName;
  const itsId = known.find((name) => plain(name) === `${plain(key)}id`);
  if (itsId) return itsId;
  const near = closest(key, known);
  return distance(key, near) <= Math.min(2, Math.floor(key.length / 3)) ? near : null;
}

export function fieldErrorsOf(error: z.ZodError, input: unknown, schema: z.ZodType): FieldError[] {
  return error.issues.map((issue) => ({
    path: issue.path.map(String).join("."),
    message: messageOf(issue, input, schema),
  }));
}

export function parseOrThrow<S extends z.ZodType>(
  schema: S,
  input: unknown,
  where: "body" | "query" | "path",
): z.output<S> {
  // Text no column can hold (NUL, lone surrogates, control characters) is refused before
  // any schema sees it, whichever field it is in.
  const unsafe = unsafeTextIn(input);
  const result = unsafe.length === 0 ? schema.safeParse(input) : null;
  if (result?.success) return result.data;
  // A malformed path parameter names nothing that exists; saying so beats a 422.
  if (where === "path") throw new AppError("not_found", "No such resource.");
  const errors = result ? fieldErrorsOf(result.error, input, schema) : unsafe;
  const [only] = errors;
  const summary =
    errors.length !== 1 || !only
      ? `${errors.length} fields are invalid; see errors.`
      : only.path
        ? `${only.path}: ${only.message}`
        : `${only.message.charAt(0).toUpperCase()}${only.message.slice(1)}.`;
  throw new AppError("validation_failed", `The request ${where} is invalid. ${summary}`, {
    fieldErrors: errors,
  });
}
