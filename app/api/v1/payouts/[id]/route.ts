import { apiRoute } from "@/app/api/v1/api-route";
import { getPayoutOperation } from "@/lib/api/operations/payouts";
import { methodsNotAllowed } from "@/lib/api/unrouted";
import { requirePayout } from "@/lib/payouts/queries";
import { serializePayout } from "@/lib/payouts/serialize";

export const GET = apiRoute(getPayoutOperation, async ({ db, scope, params }) =>
  serializePayout(await requirePayout(db, scope, params.id)),
);

export const { POST, PUT, PATCH, DELETE, OPTIONS } = methodsNotAllowed("GET");
