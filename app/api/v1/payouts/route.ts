import { apiRoute } from "@/app/api/v1/api-route";
import { createPayoutOperation, listPayoutsOperation } from "@/lib/api/operations/payouts";
import { toList } from "@/lib/api/pagination";
import { methodsNotAllowed } from "@/lib/api/unrouted";
import { createPayout, createPayouts } from "@/lib/payouts/create-payout";
import { listPayouts } from "@/lib/payouts/queries";
import { serializePayout } from "@/lib/payouts/serialize";

export const POST = apiRoute(
  createPayoutOperation,
  async ({ db, scope, body, actor }) =>
    serializePayout(await createPayout(db, scope, body, { actor })),
  {
    bulk: async (tx, scope, items) =>
      (
        await createPayouts(
          tx,
          scope,
          items.map((item) => item.body),
          { actor: items[0]?.actor },
        )
      ).map(serializePayout),
  },
);

export const GET = apiRoute(listPayoutsOperation, async ({ db, scope, query }) =>
  toList(await listPayouts(db, scope, query), serializePayout),
);

export const { PUT, PATCH, DELETE, OPTIONS } = methodsNotAllowed("GET", "POST");
