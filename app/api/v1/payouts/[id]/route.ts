import { apiRoute } from "@/app/api/v1/api-route";
import { getPayoutOperation } from "@/lib/api/operations/payouts";
import { methodsNotAllowed } from "@/lib/api/unrouted";
import { presentPayoutWithLink } from "@/lib/payouts/present";
import { requirePayout } from "@/lib/payouts/queries";

export const GET = apiRoute(getPayoutOperation, async ({ db, scope, params }) =>
  presentPayoutWithLink(db, scope, await requirePayout(db, scope, params.id)),
);

export const { POST, PUT, PATCH, DELETE, OPTIONS } = methodsNotAllowed("GET");
