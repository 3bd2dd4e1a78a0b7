import diagnostics from "node:diagnostics_channel";
import type { IncomingMessage } from "node:http";
import { PEER_ADDRESS_HEADER } from "./client-ip";

type RequestStart = { request: IncomingMessage; socket: { remoteAddress?: string } };

function stamp(message: unknown) {
  const { request, socket } = message as RequestStart;
  request.headers[PEER_ADDRESS_HEADER] = socket.remoteAddress ?? "";
}

/**
 * Writes each request's socket address into `PEER_ADDRESS_HEADER` before any handler runs.
 * Node publishes `http.server.request.start` just before it emits `request`, for every
 * HTTP server in the process (Next's included). Idempotent.
 */
export function stampPeerAddress(): void {
  diagnostics.unsubscribe("http.server.request.start", stamp);
  diagnostics.subscribe("http.server.request.start", stamp);
}
