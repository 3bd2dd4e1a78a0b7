import { apiRoute } from "@/app/api/v1/api-route";
import { reissuePayoutOperation } from "@/lib/api/operations/payouts";
import { methodsNotAllowed } from "@/lib/api/unrouted";
import { sendInvites } from "@/lib/claims/invites";
import { apiKeyActor, reissueLink } from "@/lib/payouts/link-actions";
import { presentPayoutWithLink } from "@/lib/payouts/present";

export const POST = apiRoute(
  reissuePayoutOperation,
  async ({ db, scope, params, body, apiKeyId, afterCommit }) => {
    const { payout, link } = await reissueLink(db, apiKeyActor(scope, apiKeyId), params.id, {
      expiresInDays: body.expires_in_days,
    });
    afterCommit((pool) => sendInvites(pool, scope, [payout.id]));
    return presentPayoutWithLink(db, scope, payout, link);
  },
);

export const { GET, PUT, PATCH, DELETE, OPTIONS } = methodsNotAllowed("POST");
