import { apiRoute } from "@/app/api/v1/api-route";
import { requestBatchFanOut } from "@/inngest/requests";
import { approveBatchOperation } from "@/lib/api/operations/batches";
import { methodsNotAllowed } from "@/lib/api/unrouted";
import { approveBatchAsApiKey } from "@/lib/batches/approval";
import { serializeBatch } from "@/lib/payouts/serialize";

export const POST = apiRoute(
  approveBatchOperation,
  async ({ db, scope, params, apiKeyId, afterCommit }) => {
    const batch = await approveBatchAsApiKey(db, scope, { batchId: params.id, apiKeyId });
    // Approval writes no event: once it has committed, the fan-out is asked for at once.
    afterCommit(() => requestBatchFanOut(scope, batch));
    return serializeBatch(batch);
  },
);

export const { GET, PUT, PATCH, DELETE, OPTIONS } = methodsNotAllowed("POST");
