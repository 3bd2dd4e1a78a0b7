import { apiRoute } from "@/app/api/v1/api-route";
import { claimPayoutHelperOperation } from "@/lib/api/operations/test-helpers";
import { methodsNotAllowed } from "@/lib/api/unrouted";
import { presentPayout } from "@/lib/payouts/present";
import { claimAsRecipient } from "@/lib/test-mode/payout-helpers";

export const POST = apiRoute(
  claimPayoutHelperOperation,
  async ({ db, scope, params, body, actor }) =>
    presentPayout(db, scope, await claimAsRecipient(db, scope, params.id, { ...body, actor })),
);

export const { GET, PUT, PATCH, DELETE, OPTIONS } = methodsNotAllowed("POST");
