import { canonicalJson, signatureHeader } from "./signing";
import { parseDuration } from "./time-strings";

/** One op of a `206` answer (SDK spec 5.1.1). */
export type Op = {
  op: string;
  id: string;
  name?: string;
  displayName?: string;
  data?: unknown;
  error?: unknown;
  opts?: Record<string, unknown>;
};

export type SerializedError = {
  name: string;
  message: string;
  stack?: string;
  [key: string]: unknown;
};

export type CallOutcome =
  | { type: "completed"; output: unknown }
  | { type: "ops"; ops: Op[]; noRetry: boolean; retryAt?: number }
  | { type: "error"; error: SerializedError; noRetry: boolean; retryAt?: number };

export type CallRequest = {
  url: string;
  stepId: string;
  payload: Record<string, unknown>;
  signingKey?: string;
  now: number;
  signal: AbortSignal;
  timeoutMs: number;
};

export class CallAborted extends Error {
  override name = "CallAborted";
}

function toError(value: unknown, fallback: string): SerializedError {
  if (value && typeof value === "object" && !Array.isArray(value)) {
    const record = value as Record<string, unknown>;
    const message = record.message ?? record.error;
    return {
      ...record,
      name: typeof record.name === "string" ? record.name : "Error",
      message: typeof message === "string" ? message : fallback,
    };
  }
  return {
    name: "Error",
    message: typeof value === "string" && value ? value.slice(0, 2000) : fallback,
  };
}

/** `Retry-After` as the SDK sends it for a `RetryAfterError`: seconds, a date, or a time string. */
function retryAt(header: string | null, now: number): number | undefined {
  if (!header) return undefined;
  if (/^\d+$/.test(header)) return now + Number(header) * 1000;
  const duration = parseDuration(header);
  if (duration !== undefined) return now + duration;
  const at = Date.parse(header);
  return Number.isNaN(at) ? undefined : at;
}

function parseJson(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return text;
  }
}

/**
 * Sends one call request (SDK spec 4.4) to the function's runtime URL. The body is sent
 * in canonical JSON so that the signature the SDK recomputes over its canonical form of
 * the parsed body matches the one signed here.
 */
export async function callFunction(request: CallRequest): Promise<CallOutcome> {
  const url = new URL(request.url);
  url.searchParams.set("stepId", request.stepId);
  const body = canonicalJson(request.payload);
  const headers: Record<string, string> = {
    "content-type": "application/json",
    "user-agent": "disburse-local-inngest-engine",
    "x-inngest-server-kind": request.signingKey ? "cloud" : "dev",
  };
  if (request.signingKey) {
    // The SDK checks the timestamp against its own wall clock, never the engine's clock.
    headers["x-inngest-signature"] = signatureHeader(body, request.signingKey, Date.now());
  }
  let response: Response;
  let text: string;
  try {
    response = await fetch(url, {
      method: "POST",
      headers,
      body,
      signal: AbortSignal.any([request.signal, AbortSignal.timeout(request.timeoutMs)]),
    });
    text = await response.text();
  } catch (error) {
    if (request.signal.aborted) throw new CallAborted("The engine stopped during the call");
    return {
      type: "error",
      error: {
        name: "CallFailed",
        message: `Could not reach ${url.origin}: ${(error as Error).message}`,
      },
      noRetry: false,
    };
  }
  const noRetry = response.headers.get("x-inngest-no-retry") === "true";
  const retry = retryAt(response.headers.get("retry-after"), request.now);
  const parsed = parseJson(text);
  if (response.status === 200) return { type: "completed", output: parsed === "" ? null : parsed };
  if (response.status === 206) {
    const ops = (Array.isArray(parsed) ? parsed : [parsed]).filter(
      (op): op is Op => !!op && typeof op === "object" && typeof (op as Op).op === "string",
    );
    return { type: "ops", ops, noRetry, retryAt: retry };
  }
  return {
    type: "error",
    error: toError(parsed, `The app answered ${response.status}`),
    noRetry,
    retryAt: retry,
  };
}
