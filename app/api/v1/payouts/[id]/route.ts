import { apiRoute } from "@/app/api/v1/api-route";
import { getPayoutOperation } from "@/lib/api/operations/payouts";
import { methodsNotAllowed } from "@/lib/api/unrouted";
import { presentPayoutWithLink } from "@/lib/payouts/present";
import { requirePayout } from "@/lib/payouts/queries";
import { openReviewReasons } from "@/lib/read-models/review-queue";

export const GET = apiRoute(getPayoutOperation, async ({ db, scope, params }) => {
  const payout = await presentPayoutWithLink(db, scope, await requirePayout(db, scope, params.id));
  // A held payout says why in reason codes only: the list entry is the reviewer's to see.
  const reasons =
    payout.status === "awaiting_review" ? await openReviewReasons(db, scope, payout.id) : null;
  return reasons ? { ...payout, review: { reason_codes: reasons } } : payout;
});

export const { POST, PUT, PATCH, DELETE, OPTIONS } = methodsNotAllowed("GET");
