import { apiRoute } from "@/app/api/v1/api-route";
import { expirePayoutHelperOperation } from "@/lib/api/operations/test-helpers";
import { methodsNotAllowed } from "@/lib/api/unrouted";
import { presentPayout } from "@/lib/payouts/present";
import { expireNow } from "@/lib/test-mode/payout-helpers";

export const POST = apiRoute(expirePayoutHelperOperation, async ({ db, scope, params, actor }) =>
  presentPayout(db, scope, await expireNow(db, scope, params.id, actor)),
);

export const { GET, PUT, PATCH, DELETE, OPTIONS } = methodsNotAllowed("POST");
