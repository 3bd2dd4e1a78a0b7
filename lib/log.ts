import { DrizzleQueryError } from "drizzle-orm";

/**
 * The part of an error that may reach a log. A failed query's parameters and a
 * constraint violation's `detail` carry the very values we must never log (emails, tax
 * ids, payout details, hashed secrets), so they are dropped; the query text, the
 * PostgreSQL code, the constraint and the stack stay, which is what a fix needs.
 */
export function loggable(error: unknown, depth = 0): Record<string, unknown> {
  if (!(error instanceof Error)) return { value: typeof error };
  const cause =
    depth < 3 && error.cause !== undefined ? loggable(error.cause, depth + 1) : undefined;
  if (error instanceof DrizzleQueryError) {
    return { name: "DrizzleQueryError", query: error.query, cause };
  }
  const fields = error as Error & Record<string, unknown>;
  if (error.name === "PostgresError") {
    const { code, severity, table_name, column_name, constraint_name, routine } = fields;
    return {
      name: error.name,
      message: error.message,
      code,
      severity,
      table_name,
      column_name,
      constraint_name,
      routine,
    };
  }
  return { name: error.name, message: error.message, stack: error.stack, cause };
}

/** Logs an unexpected failure without any value it carried. */
export function logError(context: string, error: unknown): void {
  console.error(`[${context}]`, loggable(error));
}

type Level = "debug" | "info" | "warn" | "error";

/** An argument with every error in it, however deep in plain objects or arrays, made loggable. */
function scrubbed(arg: unknown, depth = 0): unknown {
  if (arg instanceof Error) return loggable(arg);
  if (depth >= 3 || arg === null || typeof arg !== "object") return arg;
  if (Array.isArray(arg)) return arg.map((item) => scrubbed(item, depth + 1));
  if (Object.getPrototypeOf(arg) !== Object.prototype) return arg;
  return Object.fromEntries(
    Object.entries(arg).map(([key, value]) => [key, scrubbed(value, depth + 1)]),
  );
}

/**
 * A console logger that passes every error through `loggable`, for libraries that log
 * errors themselves (the Inngest SDK logs a failed step as `{ err }`, query parameters
 * and all, with its default logger).
 */
export const safeLogger: Record<Level, (...args: unknown[]) => void> = Object.fromEntries(
  (["debug", "info", "warn", "error"] as const).map((level) => [
    level,
    (...args: unknown[]) => console[level](...args.map((arg) => scrubbed(arg))),
  ]),
) as Record<Level, (...args: unknown[]) => void>;
