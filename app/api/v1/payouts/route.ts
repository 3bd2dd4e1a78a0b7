import { apiRoute } from "@/app/api/v1/api-route";
import { createPayoutOperation, listPayoutsOperation } from "@/lib/api/operations/payouts";
import { toList } from "@/lib/api/pagination";
import { methodsNotAllowed } from "@/lib/api/unrouted";
import { createPayout, createPayouts } from "@/lib/payouts/create-payout";
import { presentPayouts } from "@/lib/payouts/present";
import { listPayouts } from "@/lib/payouts/queries";
import { serializePayout } from "@/lib/payouts/serialize";

/** A new payout is pending: its link is issued in the background, so there is no claim_url yet. */
const created = { claimUrl: null };

export const POST = apiRoute(
  createPayoutOperation,
  async ({ db, scope, body, actor }) =>
    serializePayout(await createPayout(db, scope, body, { actor }), created),
  {
    bulk: async (tx, scope, items) =>
      (
        await createPayouts(
          tx,
          scope,
          items.map((item) => item.body),
          { actor: items[0]?.actor },
        )
      ).map((row) => serializePayout(row, created)),
  },
);

export const GET = apiRoute(listPayoutsOperation, async ({ db, scope, query }) => {
  const page = await listPayouts(db, scope, query);
  return toList({ ...page, data: await presentPayouts(db, scope, page.data) }, (p) => p);
});

export const { PUT, PATCH, DELETE, OPTIONS } = methodsNotAllowed("GET", "POST");
