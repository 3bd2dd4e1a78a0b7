import dns, { type LookupAddress } from "node:dns";
import type { LookupFunction } from "node:net";
import ipaddr from "ipaddr.js";
import type { Mode } from "@/db/schema/columns";

/**
 * Where webhooks may go (issue 21, SSRF). A delivery is a POST our servers make to a URL
 * a tenant chose, so it must never reach what only our servers can reach: loopback,
 * private networks (RFC 1918, fc00::/7), link-local (169.254/16, fe80::/10, where cloud
 * metadata lives), CGNAT (100.64/10), multicast, unspecified, broadcast and the other
 * special-purpose ranges, nor their IPv4-mapped or translated IPv6 forms. Only global
 * unicast addresses are allowed. Test mode may also target loopback, so a receiver on
 * the developer's own machine works; never the cloud metadata service.
 */

/** Cloud metadata services, by address and by name: refused in every mode. */
const METADATA_ADDRESSES = new Set(["169.254.169.254", "169.254.170.2", "fd00:ec2::254"]);
const METADATA_HOSTS = new Set([
  "metadata",
  "metadata.google.internal",
  "metadata.goog",
  "metadata.azure.internal",
  "instance-data",
  "instance-data.ec2.internal",
]);

const RANGE_NAMES: Record<string, string> = {
  loopback: "a loopback address",
  private: "a private address (RFC 1918)",
  uniqueLocal: "a private address (fc00::/7)",
  linkLocal: "a link-local address",
  carrierGradeNat: "a carrier-grade NAT address (100.64.0.0/10)",
  multicast: "a multicast address",
  unspecified: "an unspecified address",
  broadcast: "a broadcast address",
};

function describeRange(range: string): string {
  return RANGE_NAMES[range] ?? `a special-purpose address (${range})`;
}

/**
 * Why `address` (an IP literal) may not receive webhooks of `mode`, or null when it may.
 * IPv4-mapped IPv6 addresses are judged as the IPv4 address they carry.
 */
export function refusalForAddress(address: string, mode: Mode): string | null {
  let parsed: ipaddr.IPv4 | ipaddr.IPv6;
  try {
    parsed = ipaddr.parse(address);
  } catch {
    return "an address that cannot be read";
  }
  if (parsed.kind() === "ipv6" && (parsed as ipaddr.IPv6).isIPv4MappedAddress()) {
    parsed = (parsed as ipaddr.IPv6).toIPv4Address();
  }
  if (
    METADATA_ADDRESSES.has(parsed.toNormalizedString()) ||
    METADATA_ADDRESSES.has(parsed.toString())
  ) {
    return "a cloud metadata address";
  }
  const range = parsed.range();
  if (range === "unicast") return null;
  if (range === "loopback" && mode === "test") return null;
  return describeRange(range);
}

/** The host as the URL parser left it: IPv6 literals lose their brackets. */
function bareHost(hostname: string): string {
  return hostname.startsWith("[") && hostname.endsWith("]") ? hostname.slice(1, -1) : hostname;
}

/**
 * Why the host of a URL may not receive webhooks of `mode` before any lookup: an IP
 * literal judged as such, a cloud metadata name, or `localhost` in live mode.
 */
export function refusalForHost(hostname: string, mode: Mode): string | null {
  const host = bareHost(hostname.toLowerCase()).replace(/\.$/, "");
  if (ipaddr.isValid(host)) return refusalForAddress(host, mode);
  if (METADATA_HOSTS.has(host)) return "a cloud metadata host";
  if (host === "localhost" || host.endsWith(".localhost")) {
    return mode === "test" ? null : "a loopback address";
  }
  return null;
}

function refusalForAddresses(addresses: LookupAddress[], mode: Mode): string | null {
  for (const { address } of addresses) {
    const refusal = refusalForAddress(address, mode);
    if (refusal) return refusal;
  }
  return null;
}

/** A delivery refused before connecting: the host is, or resolves to, a forbidden address. */
export class RefusedAddress extends Error {
  override name = "RefusedAddress";
  constructor(readonly reason: string) {
    super(`refused: the host is or resolves to ${reason}`);
  }
}

/**
 * A `lookup` for outgoing connections that resolves every address of the host and
 * refuses them all if any is forbidden, then hands the checked addresses to the socket:
 * the connection goes to an address that was checked, whatever the name resolves to a
 * moment later (DNS rebinding), while TLS SNI and the Host header keep the name.
 */
export function guardedLookup(mode: Mode, resolve: LookupFunction = dns.lookup): LookupFunction {
  return (hostname, options, callback) => {
    resolve(hostname, { ...options, all: true }, (error, resolved) => {
      if (error) return callback(error, "", 0);
      const addresses = (Array.isArray(resolved) ? resolved : []) as LookupAddress[];
      const refusal = refusalForAddresses(addresses, mode);
      if (refusal) return callback(new RefusedAddress(refusal), "", 0);
      const first = addresses[0];
      if (!first)
        return callback(Object.assign(new Error("no address"), { code: "ENOTFOUND" }), "", 0);
      if (options.all) return callback(null, addresses);
      callback(null, first.address, first.family);
    });
  };
}

const LOOKUP_TIMEOUT_MS = 3_000;

/**
 * Why a webhook URL may not be registered for `mode`, or null when it may: its host is
 * refused as written, or resolves (now) to a refused address. A host that does not
 * resolve yet is allowed; every delivery checks again when it connects.
 */
export async function refusalForUrl(
  url: string,
  mode: Mode,
  resolve: LookupFunction = dns.lookup,
): Promise<string | null> {
  const { hostname } = new URL(url);
  const refusal = refusalForHost(hostname, mode);
  if (refusal || ipaddr.isValid(bareHost(hostname))) return refusal;
  const addresses = await new Promise<LookupAddress[]>((done) => {
    const timer = setTimeout(() => done([]), LOOKUP_TIMEOUT_MS);
    resolve(hostname, { all: true }, (error, resolved) => {
      clearTimeout(timer);
      done(error || !Array.isArray(resolved) ? [] : (resolved as LookupAddress[]));
    });
  });
  return refusalForAddresses(addresses, mode);
}
