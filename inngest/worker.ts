import http from "node:http";
import type { AddressInfo } from "node:net";
import { serve } from "inngest/node";
import { inngest } from "./client";
import { functions } from "./functions";

/** The same path as the Next.js route, so an engine calls either the same way. */
export const SERVE_PATH = "/api/inngest";

export type FunctionWorker = {
  /** The serve endpoint, e.g. http://127.0.0.1:41234/api/inngest. */
  url: string;
  /**
   * Stops taking calls and lets the ones in flight finish, for up to `graceMs`; a call cut
   * off after that is one the engine has already abandoned or will retry.
   */
  close(graceMs?: number): Promise<void>;
};

/**
 * The app's functions, served with the app's client by the SDK's Node adapter, outside
 * Next.js: the local engine's calls (payout preparation, balance checks, webhook delivery)
 * then run on this process's event loop instead of the one serving the API and dashboard.
 * It verifies signatures exactly as `app/api/inngest` does, because both read the mode and
 * the signing key from the same client and environment (decision 0009).
 */
export async function startFunctionWorker(
  options: { port?: number; host?: string } = {},
): Promise<FunctionWorker> {
  const host = options.host ?? "127.0.0.1";
  const handle = serve({ client: inngest, functions });
  const server = http.createServer((req, res) => {
    const path = new URL(req.url ?? "/", "http://worker.local").pathname;
    if (path === SERVE_PATH) {
      // The SDK answers every failure itself (a step's error, a bad signature).
      handle(req, res);
      return;
    }
    if (req.method === "GET" && path === "/health") {
      res.writeHead(200, { "content-type": "application/json", "cache-control": "no-store" });
      res.end(JSON.stringify({ status: "ok", functions: functions.length }));
      return;
    }
    res.writeHead(404).end();
  });
  server.on("clientError", (_error, socket) => socket.end("HTTP/1.1 400 Bad Request\r\n\r\n"));
  await new Promise<void>((resolve, reject) => {
    server.once("error", reject);
    server.listen(options.port ?? 0, host, () => {
      server.off("error", reject);
      resolve();
    });
  });
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://${host}:${port}${SERVE_PATH}`,
    async close(graceMs = 10_000) {
      const closed = new Promise<void>((resolve) => server.close(() => resolve()));
      server.closeIdleConnections();
      const cutOff = setTimeout(() => server.closeAllConnections(), graceMs);
      await closed;
      clearTimeout(cutOff);
    },
  };
}
