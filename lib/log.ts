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

/**
 * A console logger that passes every error through `loggable`, for libraries that log
 * errors themselves (the Inngest SDK prints a failed step's error, query parameters and
 * all, with its default logger).
 */
export const safeLogger: Record<Level, (...args: unknown[]) => void> = Object.fromEntries(
  (["debug", "info", "warn", "error"] as const).map((level) => [
    level,
    (...args: unknown[]) =>
      console[level](...args.map((arg) => (arg instanceof Error ? loggable(arg) : arg))),
  ]),
) as Record<Level, (...args: unknown[]) => void>;
