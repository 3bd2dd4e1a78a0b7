import { apiRoute } from "@/app/api/v1/api-route";
import { listMethodsOperation } from "@/lib/api/operations/methods";
import { methodsNotAllowed } from "@/lib/api/unrouted";
import { eligibleMethods, serializeEligibility } from "@/lib/methods";

export const GET = apiRoute(listMethodsOperation, async ({ scope, query }) =>
  serializeEligibility(eligibleMethods({ ...query, mode: scope.mode }), query),
);

export const { POST, PUT, PATCH, DELETE, OPTIONS } = methodsNotAllowed("GET");
