import { apiRoute } from "@/app/api/v1/api-route";
import { cancelPayoutOperation } from "@/lib/api/operations/payouts";
import { methodsNotAllowed } from "@/lib/api/unrouted";
import { cancelPayout } from "@/lib/payouts/cancel-payout";
import { presentPayout } from "@/lib/payouts/present";

export const POST = apiRoute(cancelPayoutOperation, async ({ db, scope, params, actor }) =>
  presentPayout(db, scope, await cancelPayout(db, scope, { payoutId: params.id, actor })),
);

export const { GET, PUT, PATCH, DELETE, OPTIONS } = methodsNotAllowed("POST");
