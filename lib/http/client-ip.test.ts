import http from "node:http";
import type { AddressInfo } from "node:net";
import { describe, expect, it } from "vitest";
import { ipKey } from "@/lib/claims/rate-limit";
import { ConfigError, parseConfig } from "@/lib/config";
import { clientAddress, PEER_ADDRESS_HEADER } from "./client-ip";
import { stampPeerAddress } from "./stamp-peer-address";

const env = (vars: Record<string, string>) => parseConfig({ NODE_ENV: "test", ...vars });

/** Headers as a handler sees them: the server's stamped peer, and whatever the client sent. */
const seen = (peer: string, forwardedFor?: string) =>
  new Headers({
    [PEER_ADDRESS_HEADER]: peer,
    ...(forwardedFor ? { "x-forwarded-for": forwardedFor } : {}),
  });

describe("the client address behind per-IP limits", () => {
  it("ignores X-Forwarded-For from a peer that is not a trusted proxy", () => {
    const honest = ipKey(clientAddress(seen("203.0.113.9"), []));
    // Next fills X-Forwarded-For from the socket when the client sent none.
    expect(clientAddress(seen("203.0.113.9", "203.0.113.9"), [])).toBe("203.0.113.9");
    for (const spoof of ["198.51.100.1", "10.0.0.1, 198.51.100.1", "garbage"]) {
      expect(ipKey(clientAddress(seen("203.0.113.9", spoof), []))).toBe(honest);
      expect(ipKey(clientAddress(seen("203.0.113.9", spoof), ["10.0.0.0/8"]))).toBe(honest);
    }
  });

  it("believes a trusted proxy, taking the rightmost hop it does not trust", () => {
    const proxies = ["10.0.0.0/8", "loopback"];
    expect(clientAddress(seen("10.1.2.3", "198.51.100.7"), proxies)).toBe("198.51.100.7");
    expect(ipKey(clientAddress(seen("10.1.2.3", "198.51.100.7"), proxies))).not.toBe(
      ipKey(clientAddress(seen("10.1.2.3", "198.51.100.8"), proxies)),
    );
    // What the client put first is never believed: only what trusted hops appended.
    expect(clientAddress(seen("10.1.2.3", "6.6.6.6, 198.51.100.7"), proxies)).toBe("198.51.100.7");
    // Two proxies in a row (a load balancer behind a CDN edge on the private network).
    expect(clientAddress(seen("127.0.0.1", "6.6.6.6, 198.51.100.7, 10.9.9.9"), proxies)).toBe(
      "198.51.100.7",
    );
  });

  it("says unknown when the server stamped no peer", () => {
    expect(clientAddress(new Headers({ "x-forwarded-for": "198.51.100.1" }), [])).toBe("unknown");
  });

  it("stamps the socket's address on every request, over whatever the client sent", async () => {
    stampPeerAddress();
    stampPeerAddress();
    const server = http.createServer((req, res) => {
      res.end(JSON.stringify(req.headers));
    });
    await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
    try {
      const { port } = server.address() as AddressInfo;
      const response = await fetch(`http://127.0.0.1:${port}/`, {
        headers: { [PEER_ADDRESS_HEADER]: "198.51.100.66", "x-forwarded-for": "198.51.100.66" },
      });
      const headers = (await response.json()) as Record<string, string>;
      expect(headers[PEER_ADDRESS_HEADER]).toBe("127.0.0.1");
      expect(clientAddress(new Headers(headers), [])).toBe("127.0.0.1");
    } finally {
      await new Promise((resolve) => server.close(resolve));
    }
  });

  it("reads TRUSTED_PROXIES as a list and refuses an entry that is not an address or range", () => {
    expect(env({}).TRUSTED_PROXIES).toEqual([]);
    expect(env({ TRUSTED_PROXIES: " 10.0.0.0/8, 192.0.2.10 ,loopback" }).TRUSTED_PROXIES).toEqual([
      "10.0.0.0/8",
      "192.0.2.10",
      "loopback",
    ]);
    expect(() => env({ TRUSTED_PROXIES: "10.0.0.0/8, proxy.internal" })).toThrow(ConfigError);
    expect(() => env({ TRUSTED_PROXIES: "proxy.internal" })).toThrow(/TRUSTED_PROXIES/);
  });
});
