import http from "node:http";
import type { AddressInfo } from "node:net";
import type { CheckedRequest } from "./openapi-requests";

/** A request as a double sees it, already checked against the provider's document. */
export type DoubleRequest = CheckedRequest & {
  headers: http.IncomingHttpHeaders;
  /** The JSON body, or the form body read the provider's way. */
  body: Record<string, unknown>;
  header(name: string): string | undefined;
};

export type DoubleResponse = {
  status: number;
  body?: unknown;
  headers?: Record<string, string>;
  /** A hosted page the double serves (Stripe's onboarding). */
  html?: string;
  redirect?: string;
};

export type Fault = {
  /** Which requests: `POST /v1/transfers`. */
  route: string;
  status: number;
  /** `before`: refuse and change nothing; `after`: do the work, then answer the error (the worst case). */
  when: "before" | "after";
  times: number;
  /** The error body, in the provider's shape; a generic one by default. */
  body?: unknown;
};

/**
 * The plumbing every provider double shares: an HTTP server on 127.0.0.1, every request
 * checked against the provider's published OpenAPI document (what does not conform is
 * answered 400 and kept in `nonConforming`, which the tests expect to stay empty), a
 * log of requests, and planted faults for outages.
 */
export async function startDoubleServer(options: {
  name: string;
  check: (request: CheckedRequest) => string[];
  /** Requests that are not API calls (hosted pages, OAuth) and so not in the document. */
  unchecked?: (request: CheckedRequest) => boolean;
  parseBody: (request: CheckedRequest) => Record<string, unknown>;
  handle: (request: DoubleRequest) => Promise<DoubleResponse> | DoubleResponse;
  invalid: (problems: string[]) => DoubleResponse;
  /** A fixed port, for a server started before the double (the e2e app); any free one by default. */
  port?: number;
}) {
  const requests: DoubleRequest[] = [];
  const nonConforming: string[] = [];
  const faults: Fault[] = [];
  const server = http.createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on("data", (c: Buffer) => chunks.push(c));
    req.on("end", async () => {
      const url = new URL(req.url ?? "/", "http://double");
      const checked: CheckedRequest = {
        method: req.method ?? "GET",
        path: url.pathname,
        query: url.searchParams,
        contentType: req.headers["content-type"] ?? null,
        rawBody: Buffer.concat(chunks).toString("utf8"),
      };
      const send = (response: DoubleResponse) => {
        if (response.redirect) {
          res.writeHead(303, { location: response.redirect });
          res.end();
          return;
        }
        if (response.html !== undefined) {
          res.writeHead(response.status, { "content-type": "text/html; charset=utf-8" });
          res.end(response.html);
          return;
        }
        res.writeHead(response.status, {
          "content-type": "application/json",
          ...response.headers,
        });
        res.end(response.body === undefined ? "" : JSON.stringify(response.body));
      };
      try {
        if (!options.unchecked?.(checked)) {
          const problems = options.check(checked);
          if (problems.length > 0) {
            nonConforming.push(...problems);
            send(options.invalid(problems));
            return;
          }
        }
        const request: DoubleRequest = {
          ...checked,
          headers: req.headers,
          body: options.parseBody(checked),
          header: (name) => {
            const value = req.headers[name.toLowerCase()];
            return Array.isArray(value) ? value[0] : value;
          },
        };
        requests.push(request);
        const route = `${checked.method} ${checked.path}`;
        const fault = faults.find((f) => f.times > 0 && route.startsWith(f.route));
        const unavailable = { error: { message: "Service unavailable" } };
        if (fault?.when === "before") {
          fault.times--;
          send({ status: fault.status, body: fault.body ?? unavailable });
          return;
        }
        const response = await options.handle(request);
        if (fault?.when === "after") {
          fault.times--;
          send({ status: fault.status, body: fault.body ?? unavailable });
          return;
        }
        send(response);
      } catch (error) {
        send({ status: 500, body: { error: { message: (error as Error).message } } });
      }
    });
  });
  await new Promise<void>((resolve) => server.listen(options.port ?? 0, "127.0.0.1", resolve));
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  return {
    name: options.name,
    url,
    requests,
    nonConforming,
    /** Plants an outage for the next `times` requests to `route`. */
    fail(route: string, fault: Omit<Fault, "route" | "times"> & { times?: number }) {
      faults.push({ route, times: fault.times ?? 1, ...fault });
    },
    /** Ends every planted outage. */
    recover() {
      faults.length = 0;
    },
    async close() {
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}

export type DoubleServer = Awaited<ReturnType<typeof startDoubleServer>>;

/** A provider's sequence of ids: `tr_000001…`. */
export function idSequence(prefix: string) {
  let n = 0;
  return () =>
    `${prefix}${(++n).toString(36).padStart(8, "0")}${Math.random().toString(36).slice(2, 8)}`;
}
