import type { IncomingMessage } from "node:http";
import proxyaddr from "proxy-addr";

/**
 * The address of the socket a request came in on, as the server saw it. Next.js gives
 * route handlers and server actions no peer address, and fills `X-Forwarded-For` from the
 * socket only when the client sent none, so a client could otherwise name any address.
 * This header is written by the server itself on every request (`stampPeerAddress` in
 * ./stamp-peer-address.ts), replacing whatever a client put there.
 */
export const PEER_ADDRESS_HEADER = "x-disburse-peer-address";

const trustNone = () => false;

/**
 * The client's address by the rightmost-untrusted-hop rule: starting from the socket
 * peer, each hop that is a trusted proxy is replaced by the address it says it received
 * the request from (the next `X-Forwarded-For` entry from the right); the first
 * untrusted hop is the client. With no trusted proxies that is the peer itself, so a
 * forged `X-Forwarded-For` changes nothing. "unknown" when the server stamped no peer.
 */
export function clientAddress(headers: Headers, trustedProxies: readonly string[]): string {
  const peer = headers.get(PEER_ADDRESS_HEADER);
  if (!peer) return "unknown";
  const request = {
    headers: { "x-forwarded-for": headers.get("x-forwarded-for") ?? "" },
    socket: { remoteAddress: peer },
  } as unknown as IncomingMessage;
  return proxyaddr(
    request,
    trustedProxies.length ? proxyaddr.compile([...trustedProxies]) : trustNone,
  );
}

/** Whether `entry` names a proxy `clientAddress` can trust: an IP, a CIDR range, or a named range. */
export function isTrustedProxyEntry(entry: string): boolean {
  try {
    proxyaddr.compile(entry);
    return true;
  } catch {
    return false;
  }
}
