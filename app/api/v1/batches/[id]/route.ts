import { apiRoute } from "@/app/api/v1/api-route";
import { getBatchOperation } from "@/lib/api/operations/batches";
import { methodsNotAllowed } from "@/lib/api/unrouted";
import { batchProgress, requireBatch } from "@/lib/payouts/queries";
import { serializeBatch } from "@/lib/payouts/serialize";

export const GET = apiRoute(getBatchOperation, async ({ db, scope, params }) => {
  const batch = await requireBatch(db, scope, params.id);
  return serializeBatch(batch, await batchProgress(db, scope, batch.id));
});

export const { POST, PUT, PATCH, DELETE, OPTIONS } = methodsNotAllowed("GET");
