import { apiRoute } from "@/app/api/v1/api-route";
import { createBatchOperation, listBatchesOperation } from "@/lib/api/operations/batches";
import { toList } from "@/lib/api/pagination";
import { methodsNotAllowed } from "@/lib/api/unrouted";
import { createBatch } from "@/lib/batches/create-batch";
import { listBatches } from "@/lib/payouts/queries";
import { serializeBatch } from "@/lib/payouts/serialize";

export const POST = apiRoute(createBatchOperation, async ({ db, scope, body, actor }) => {
  const { batch } = await createBatch(db, scope, body, { actor });
  return serializeBatch(batch);
});

export const GET = apiRoute(listBatchesOperation, async ({ db, scope, query }) =>
  toList(await listBatches(db, scope, query), (row) => serializeBatch(row)),
);

export const { PUT, PATCH, DELETE, OPTIONS } = methodsNotAllowed("GET", "POST");
