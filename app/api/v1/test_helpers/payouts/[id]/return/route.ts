import { apiRoute } from "@/app/api/v1/api-route";
import { returnPayoutHelperOperation } from "@/lib/api/operations/test-helpers";
import { methodsNotAllowed } from "@/lib/api/unrouted";
import { presentPayout } from "@/lib/payouts/present";
import { returnPayment } from "@/lib/test-mode/payout-helpers";

export const POST = apiRoute(returnPayoutHelperOperation, async ({ db, scope, params, body }) =>
  presentPayout(db, scope, await returnPayment(db, scope, params.id, body.reason)),
);

export const { GET, PUT, PATCH, DELETE, OPTIONS } = methodsNotAllowed("POST");
