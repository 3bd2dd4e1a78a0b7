import { AppError } from "@/lib/errors";
import { newId } from "@/lib/ids";
import { problemResponse, type RouteHandler } from "./handler";
import { allOperations } from "./operations";
import { suggestionFor } from "./validation";

/** The methods every route file answers, serving or refusing them; Next.js answers HEAD with GET. */
export const ROUTE_METHODS = ["GET", "POST", "PUT", "PATCH", "DELETE"] as const;
export type RouteMethod = (typeof ROUTE_METHODS)[number];

const API_PREFIX = "/api/v1";

function problem(error: AppError, headers: Record<string, string> = {}): Response {
  const requestId = newId("request");
  return problemResponse(error, requestId, { "Request-Id": requestId, ...headers }).response;
}

/**
 * A route file's answer to the methods it does not serve: 405 problem+json naming the
 * ones it does, instead of Next.js's empty 405. It answers OPTIONS too, since Next.js
 * would list every exported method there, these included.
 *
 *   export const { PUT, PATCH, DELETE, OPTIONS } = methodsNotAllowed("GET", "POST");
 */
export function methodsNotAllowed<const Allowed extends RouteMethod[]>(
  ...allowed: Allowed
): Record<Exclude<RouteMethod, Allowed[number]> | "OPTIONS", RouteHandler> {
  const served = allowed.join(", ");
  const allow = [...allowed, ...(allowed.includes("GET") ? ["HEAD"] : []), "OPTIONS"].join(", ");
  const refuse: RouteHandler = async (request) =>
    problem(
      new AppError(
        "method_not_allowed",
        `${new URL(request.url).pathname} does not support ${request.method}; it supports ${served}.`,
      ),
      { Allow: allow },
    );
  const options: RouteHandler = async () =>
    new Response(null, { status: 204, headers: { Allow: allow } });
  return {
    ...Object.fromEntries(
      ROUTE_METHODS.filter((method) => !allowed.includes(method)).map((method) => [method, refuse]),
    ),
    OPTIONS: options,
  } as Record<Exclude<RouteMethod, Allowed[number]> | "OPTIONS", RouteHandler>;
}

/** Every method of a path under /api/v1 that no route serves: 404 problem+json. */
export function unknownEndpoint(): Record<RouteMethod | "OPTIONS", RouteHandler> {
  const resources = [...new Set(allOperations.map((op) => op.path.split("/")[1] ?? ""))];
  const answer: RouteHandler = async (request) => {
    const { pathname } = new URL(request.url);
    const resource = pathname.slice(API_PREFIX.length).split("/")[1] ?? "";
    const meant = resources.includes(resource) ? null : suggestionFor(resource, resources);
    const hint = meant ? ` Did you mean ${API_PREFIX}/${meant}?` : "";
    return problem(
      new AppError(
        "not_found",
        `There is no endpoint ${request.method} ${pathname}.${hint} The endpoints are listed at /docs/api.`,
      ),
    );
  };
  return Object.fromEntries(
    [...ROUTE_METHODS, "OPTIONS"].map((method) => [method, answer]),
  ) as Record<RouteMethod | "OPTIONS", RouteHandler>;
}
