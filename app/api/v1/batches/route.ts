import { apiRoute } from "@/app/api/v1/api-route";
import { projectBalanceDemand } from "@/inngest/requests";
import { createBatchOperation, listBatchesOperation } from "@/lib/api/operations/batches";
import { toList } from "@/lib/api/pagination";
import { methodsNotAllowed } from "@/lib/api/unrouted";
import { refusedDemand } from "@/lib/balance-monitor";
import { createBatch } from "@/lib/batches/create-batch";
import { listBatches } from "@/lib/payouts/queries";
import { serializeBatch } from "@/lib/payouts/serialize";

export const POST = apiRoute(createBatchOperation, async ({ db, scope, body, actor }) => {
  try {
    const { batch } = await createBatch(db, scope, body, { actor });
    return serializeBatch(batch);
  } catch (error) {
    // Refused for lack of funds: the projected shortfall warns whoever funds the balance.
    const demand = refusedDemand(error);
    if (demand) void projectBalanceDemand(scope, demand);
    throw error;
  }
});

export const GET = apiRoute(listBatchesOperation, async ({ db, scope, query }) =>
  toList(await listBatches(db, scope, query), (row) => serializeBatch(row)),
);

export const { PUT, PATCH, DELETE, OPTIONS } = methodsNotAllowed("GET", "POST");
