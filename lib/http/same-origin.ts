import { appUrl, config } from "@/lib/config";
import { AppError } from "@/lib/errors";

/** What these checks read from a request: `Headers`, or Next's read-only `headers()`. */
type RequestHeaders = Pick<Headers, "get">;

export type OriginPolicy = {
  /** APP_URL's origin: the one origin our pages are served from. */
  appOrigin: string;
  /** `npm run dev` only: localhost, 127.0.0.1 and [::1] on APP_URL's port stand for it. */
  loopbackAliases: boolean;
};

/** The policy of this deployment: APP_URL, with loopback aliases in development. */
export function appOriginPolicy(): OriginPolicy {
  return {
    appOrigin: new URL(appUrl()).origin,
    loopbackAliases: config().NODE_ENV === "development",
  };
}

const LOOPBACK_HOSTS = new Set(["localhost", "127.0.0.1", "[::1]"]);

function parseOrigin(value: string): URL | null {
  try {
    return new URL(value);
  } catch {
    return null;
  }
}

/** Whether `origin` (scheme://host[:port]) is APP_URL's origin, or a development alias of it. */
export function isAppOrigin(origin: string, policy: OriginPolicy): boolean {
  const candidate = parseOrigin(origin);
  if (!candidate) return false;
  if (candidate.origin === policy.appOrigin) return true;
  const app = new URL(policy.appOrigin);
  return (
    policy.loopbackAliases &&
    candidate.protocol === app.protocol &&
    candidate.port === app.port &&
    LOOPBACK_HOSTS.has(candidate.hostname) &&
    LOOPBACK_HOSTS.has(app.hostname)
  );
}

/**
 * Whether a browser sent this request from one of our own pages. Next checks this for
 * server actions, but against the request's Host, which whoever sends the request
 * chooses; this compares with APP_URL. Browsers send Origin with every POST; when it is
 * missing, Fetch Metadata (`Sec-Fetch-Site`) is the only other proof, and a request with
 * neither (curl, a server, a very old browser) proves nothing, so it is refused.
 * `Origin: null` (a sandboxed or privacy-stripped context) is not our origin either.
 */
export function isSameOriginRequest(headers: RequestHeaders, policy: OriginPolicy): boolean {
  const origin = headers.get("origin");
  if (origin !== null) return isAppOrigin(origin, policy);
  return headers.get("sec-fetch-site") === "same-origin";
}

/**
 * Whether the request was addressed to APP_URL's host. Read the way Next reads it for its
 * own server-action check (X-Forwarded-Host, else Host), so a proxy that already passes
 * server actions passes this too.
 */
export function isAddressedToApp(headers: RequestHeaders, policy: OriginPolicy): boolean {
  const host = (headers.get("x-forwarded-host") ?? headers.get("host"))?.split(",")[0]?.trim();
  if (!host) return false;
  return isAppOrigin(`${new URL(policy.appOrigin).protocol}//${host}`, policy);
}

/**
 * Why a state-changing request must be refused as one a page of another site could have
 * sent with the user's cookies (cross-site request forgery), or null when it may proceed.
 */
export function crossOriginRefusal(
  headers: RequestHeaders,
  policy: OriginPolicy = appOriginPolicy(),
): string | null {
  return isSameOriginRequest(headers, policy)
    ? null
    : `This request did not come from a page of ${policy.appOrigin}; nothing was changed.`;
}

/**
 * Why a request may not start a sign-in, or null when it may: it must come from one of our
 * pages *and* be addressed to APP_URL's host, so no sign-in link is ever mailed on behalf
 * of a host the sender chose.
 */
export function signInRefusal(
  headers: RequestHeaders,
  policy: OriginPolicy = appOriginPolicy(),
): string | null {
  if (isSameOriginRequest(headers, policy) && isAddressedToApp(headers, policy)) return null;
  return `Sign-in starts only from ${policy.appOrigin}/login; nothing was sent.`;
}

/** `crossOriginRefusal` as the domain error (403), for handlers that map AppErrors. */
export function assertSameOrigin(
  headers: RequestHeaders,
  policy: OriginPolicy = appOriginPolicy(),
): void {
  const refusal = crossOriginRefusal(headers, policy);
  if (refusal) throw new AppError("forbidden", refusal, { meta: { reason: "cross_origin" } });
}
