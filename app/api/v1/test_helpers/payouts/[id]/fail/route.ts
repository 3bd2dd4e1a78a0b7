import { apiRoute } from "@/app/api/v1/api-route";
import { failPayoutHelperOperation } from "@/lib/api/operations/test-helpers";
import { methodsNotAllowed } from "@/lib/api/unrouted";
import { presentPayout } from "@/lib/payouts/present";
import { decideSubmission } from "@/lib/test-mode/payout-helpers";

export const POST = apiRoute(failPayoutHelperOperation, async ({ db, scope, params, body }) =>
  presentPayout(db, scope, await decideSubmission(db, scope, params.id, "failed", body.reason)),
);

export const { GET, PUT, PATCH, DELETE, OPTIONS } = methodsNotAllowed("POST");
