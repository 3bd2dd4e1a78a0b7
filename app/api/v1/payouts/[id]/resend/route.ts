import { apiRoute } from "@/app/api/v1/api-route";
import { resendPayoutOperation } from "@/lib/api/operations/payouts";
import { methodsNotAllowed } from "@/lib/api/unrouted";
import { apiKeyActor, resendLink, sendResentLink } from "@/lib/payouts/link-actions";
import { presentPayoutWithLink } from "@/lib/payouts/present";

export const POST = apiRoute(
  resendPayoutOperation,
  async ({ db, scope, params, apiKeyId, afterCommit }) => {
    const resend = await resendLink(db, apiKeyActor(scope, apiKeyId), params.id);
    afterCommit((pool) => sendResentLink(pool, scope, resend));
    return presentPayoutWithLink(db, scope, resend.payout, resend.link);
  },
);

export const { GET, PUT, PATCH, DELETE, OPTIONS } = methodsNotAllowed("POST");
