import dns from "node:dns";
import http from "node:http";
import https from "node:https";
import type { LookupFunction } from "node:net";
import type { Mode } from "@/db/schema/columns";
import { guardedLookup, RefusedAddress, refusalForHost } from "./address-policy";

/** What one POST of an attempt got back; `error` when there was no response at all. */
export type SendResult = {
  status: number | null;
  retryAfter: string | null;
  responseBody: string | null;
  error: string | null;
  durationMs: number;
  /** No connection came free before `startBy`: nothing was sent, there is nothing to log. */
  notSent?: true;
};

/** Bytes of a response body read at most: enough to debug, bounded whatever is sent. */
export const RESPONSE_EXCERPT_BYTES = 2_048;

export type WebhookSenderOptions = {
  /**
   * Resolves host names for new connections; `dns.lookup` unless given (tests inject
   * one). Every address it gives is checked against the endpoint's mode before connecting.
   */
  lookup?: LookupFunction;
  /** Connections kept per host and port, matching the per-endpoint cap of requests in flight. */
  maxSockets?: number;
};

class TimedOut extends Error {
  override name = "TimeoutError";
}

function describeError(error: unknown): string {
  if (error instanceof TimedOut) return "timed out";
  if (error instanceof RefusedAddress) return error.message;
  if (!(error instanceof Error)) return String(error);
  return (error as NodeJS.ErrnoException).code ?? error.message;
}

/**
 * Sends signed webhook POSTs over keep-alive connections (one pool per sender), reads at
 * most `RESPONSE_EXCERPT_BYTES` of each answer, and holds no attempt past its timeout:
 * the deadline covers connecting, the answer's head and its body, so a receiver that
 * drips its body byte by byte is cut off like one that never answers. Redirects are
 * never followed: a signed payload goes only where the endpoint says.
 *
 * The deadline starts when the request gets a connection: a request queued behind
 * `maxSockets` slow ones to the same host is not timed out by the wait. `startBy` bounds
 * that wait: a request with no connection by then is dropped unsent (`notSent`).
 */
export function createWebhookSender(options: WebhookSenderOptions = {}) {
  const resolve: LookupFunction = options.lookup ?? dns.lookup;
  const agentOptions = {
    keepAlive: true,
    maxSockets: options.maxSockets ?? 16,
    scheduling: "fifo" as const,
  };
  // One pool per mode: a connection opened under test mode's rules (loopback allowed) is
  // never reused for a live delivery.
  const pools = {
    test: { lookup: guardedLookup("test", resolve), agents: agentsOf(agentOptions) },
    live: { lookup: guardedLookup("live", resolve), agents: agentsOf(agentOptions) },
  };

  function send(request: {
    url: string;
    mode: Mode;
    headers: Record<string, string>;
    body: string;
    timeoutMs: number;
    /** Epoch ms by which the request must have a connection, or it is not sent at all. */
    startBy?: number;
  }): Promise<SendResult> {
    const { url, mode, headers, body, timeoutMs, startBy } = request;
    let started = performance.now();
    const elapsed = () => Math.round(performance.now() - started);
    return new Promise<SendResult>((resolve) => {
      let settled = false;
      let deadline: NodeJS.Timeout | undefined;
      let queued: NodeJS.Timeout | undefined;
      const settle = (result: Omit<SendResult, "durationMs">) => {
        if (settled) return;
        settled = true;
        clearTimeout(deadline);
        clearTimeout(queued);
        resolve({ ...result, durationMs: elapsed() });
      };
      const fail = (error: unknown) =>
        settle({ status: null, retryAfter: null, responseBody: null, error: describeError(error) });

      let target: URL;
      try {
        target = new URL(url);
      } catch (error) {
        return fail(error);
      }
      const client = target.protocol === "https:" ? https : http;
      const pool = pools[mode];
      const agent = pool.agents[target.protocol as keyof typeof pool.agents];
      if (!agent) return fail(new Error(`unsupported protocol ${target.protocol}`));
      // An IP literal is connected to without a lookup: judge it here.
      const refusal = refusalForHost(target.hostname, mode);
      if (refusal) return fail(new RefusedAddress(refusal));
      const payload = Buffer.from(body, "utf8");
      const request = client.request(target, {
        method: "POST",
        agent,
        lookup: pool.lookup,
        headers: { ...headers, "content-length": String(payload.length) },
      });
      let answer: {
        status: number;
        retryAfter: string | null;
        chunks: Buffer[];
        bytes: number;
      } | null = null;
      const finishAnswer = () => {
        if (!answer) return;
        const text = Buffer.concat(answer.chunks).toString("utf8");
        settle({
          status: answer.status,
          retryAfter: answer.retryAfter,
          responseBody: text,
          error: null,
        });
      };
      const startDeadline = () => {
        started = performance.now();
        deadline = setTimeout(() => {
          // An answer whose head arrived in time counts, with what of its body arrived.
          if (answer) finishAnswer();
          else fail(new TimedOut());
          request.destroy();
        }, timeoutMs);
      };
      if (startBy === undefined) startDeadline();
      else {
        request.once("socket", () => {
          if (settled) return;
          clearTimeout(queued);
          startDeadline();
        });
        queued = setTimeout(() => {
          settle({
            status: null,
            retryAfter: null,
            responseBody: null,
            error: "not sent: no connection came free in time",
            notSent: true,
          });
          request.destroy();
        }, startBy - Date.now());
      }

      request.on("error", (error) => (answer ? finishAnswer() : fail(error)));
      request.on("response", (response) => {
        const retryAfter = response.headers["retry-after"];
        answer = {
          status: response.statusCode ?? 0,
          retryAfter: typeof retryAfter === "string" ? retryAfter : null,
          chunks: [],
          bytes: 0,
        };
        const current = answer;
        response.on("data", (chunk: Buffer) => {
          const room = RESPONSE_EXCERPT_BYTES - current.bytes;
          if (room > 0) {
            const kept = chunk.length > room ? chunk.subarray(0, room) : chunk;
            current.chunks.push(kept);
            current.bytes += kept.length;
          }
          if (current.bytes >= RESPONSE_EXCERPT_BYTES) {
            // Enough read: the rest of a huge or endless body is never pulled in.
            finishAnswer();
            response.destroy();
          }
        });
        response.on("end", finishAnswer);
        response.on("aborted", finishAnswer);
        response.on("error", finishAnswer);
      });
      request.end(payload);
    });
  }

  return {
    send,
    /** Closes idle pooled connections (tests, shutdown). */
    close() {
      for (const pool of Object.values(pools)) {
        pool.agents["http:"].destroy();
        pool.agents["https:"].destroy();
      }
    },
  };
}

function agentsOf(agentOptions: http.AgentOptions) {
  return { "http:": new http.Agent(agentOptions), "https:": new https.Agent(agentOptions) };
}

export type WebhookSender = ReturnType<typeof createWebhookSender>;
