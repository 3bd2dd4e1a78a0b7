import { z } from "zod";
import { matches, validateExpression } from "./expressions";
import { inngestLimits } from "./limits";
import { parseDuration } from "./time-strings";

const concurrencySchema = z.object({
  key: z.string().optional(),
  limit: z.number().int(),
  scope: z.enum(["fn", "env", "account"]).optional(),
});

/** The parts of a synced function configuration (SDK spec 4.3.2) this engine acts on. */
export const functionConfigSchema = z.looseObject({
  id: z.string().min(1),
  name: z.string().optional(),
  triggers: z.array(
    z.union([
      z.object({ event: z.string().min(1), expression: z.string().optional() }),
      z.object({ cron: z.string().min(1) }),
    ]),
  ),
  steps: z.record(
    z.string(),
    z.looseObject({
      runtime: z.looseObject({ url: z.url() }),
      retries: z.object({ attempts: z.number().int().min(0).optional() }).optional(),
    }),
  ),
  idempotency: z.string().optional(),
  concurrency: z
    .union([z.number().int(), concurrencySchema, z.array(concurrencySchema)])
    .optional()
    .nullable(),
  batchEvents: z
    .object({
      maxSize: z
        .number()
        .int()
        .min(1)
        .max(
          inngestLimits.batchEventsMaxSize,
          `at most ${inngestLimits.batchEventsMaxSize} events per batch, Inngest's limit`,
        ),
      timeout: z.string().min(1),
      key: z.string().optional(),
      if: z.string().optional(),
    })
    .optional()
    .nullable(),
  cancel: z
    .array(
      z.object({ event: z.string(), if: z.string().optional(), timeout: z.string().optional() }),
    )
    .optional()
    .nullable(),
});

export type FunctionConfig = z.infer<typeof functionConfigSchema>;

/** What the engine keeps per function after checking its configuration once at sync. */
export type RegisteredFunction = {
  id: string;
  url: string;
  retries: number;
  config: FunctionConfig;
};

// The SDK's default when a function sets no `retries` (SDK spec: 4 attempts in all).
const DEFAULT_RETRIES = 3;

export type ConcurrencyLimit = { key: string; limit: number };

export function registerFunction(config: FunctionConfig): RegisteredFunction {
  const step = Object.values(config.steps)[0];
  if (!step) throw new Error(`Function ${config.id} has no step to call`);
  for (const trigger of config.triggers) {
    if ("expression" in trigger && trigger.expression) validateExpression(trigger.expression);
  }
  if (config.idempotency) validateExpression(config.idempotency);
  for (const limit of concurrencyOf(config)) if (limit.key) validateExpression(limit.key);
  for (const cancel of config.cancel ?? []) if (cancel.if) validateExpression(cancel.if);
  if (config.batchEvents) {
    if (parseDuration(config.batchEvents.timeout) === undefined) {
      throw new Error(
        `Function ${config.id}: batchEvents.timeout "${config.batchEvents.timeout}" is not a duration`,
      );
    }
    if (config.batchEvents.key) validateExpression(config.batchEvents.key);
    if (config.batchEvents.if) validateExpression(config.batchEvents.if);
  }
  return {
    id: config.id,
    url: step.runtime.url,
    retries: step.retries?.attempts ?? DEFAULT_RETRIES,
    config,
  };
}

function concurrencyOf(config: FunctionConfig): z.infer<typeof concurrencySchema>[] {
  const { concurrency } = config;
  if (concurrency === undefined || concurrency === null) return [];
  if (typeof concurrency === "number") return [{ limit: concurrency }];
  return Array.isArray(concurrency) ? concurrency : [concurrency];
}

/** Inngest event names match exactly, or by prefix for a trailing `*` wildcard. */
function nameMatches(pattern: string, name: string): boolean {
  return pattern.endsWith("*") ? name.startsWith(pattern.slice(0, -1)) : pattern === name;
}

export function isTriggeredBy(fn: RegisteredFunction, event: Record<string, unknown>): boolean {
  const name = String(event.name);
  return fn.config.triggers.some(
    (trigger) =>
      "event" in trigger &&
      nameMatches(trigger.event, name) &&
      (!trigger.expression || matches(trigger.expression, { event })),
  );
}

export function cronsOf(fn: RegisteredFunction): string[] {
  return fn.config.triggers.flatMap((trigger) => ("cron" in trigger ? [trigger.cron] : []));
}

export type BatchPolicy = { maxSize: number; timeoutMs: number; key?: string; if?: string };

/** How the function takes its events in batches (Inngest `batchEvents`), or null for one run per event. */
export function batchPolicyOf(fn: RegisteredFunction): BatchPolicy | null {
  const batch = fn.config.batchEvents;
  if (!batch) return null;
  return {
    maxSize: batch.maxSize,
    timeoutMs: parseDuration(batch.timeout) ?? 0,
    key: batch.key,
    if: batch.if,
  };
}

export function cancelsOf(fn: RegisteredFunction) {
  return fn.config.cancel ?? [];
}

/**
 * The concurrency slots a run needs. Keys are namespaced by scope so a function-scoped
 * key never shares a slot with another function's; a limit of 0 or less means none.
 */
export function concurrencyLimits(
  fn: RegisteredFunction,
  evaluateKey: (expression: string) => string,
): ConcurrencyLimit[] {
  return concurrencyOf(fn.config)
    .filter((limit) => limit.limit > 0)
    .map((limit) => {
      const value = limit.key ? evaluateKey(limit.key) : "";
      const scope = limit.scope ?? "fn";
      const owner = scope === "fn" ? `fn:${fn.id}` : scope;
      return { key: `${owner}:${value}`, limit: limit.limit };
    });
}
