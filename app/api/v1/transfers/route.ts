import { apiRoute } from "@/app/api/v1/api-route";
import { listTransfersOperation, serializeTransfer } from "@/lib/api/operations/ledger";
import { pageOf, toList } from "@/lib/api/pagination";
import { methodsNotAllowed } from "@/lib/api/unrouted";
import { listTransfers } from "@/lib/ledger";

export const GET = apiRoute(listTransfersOperation, async ({ db, scope, query }) => {
  const page = await listTransfers(db, scope, { ...pageOf(query), payoutId: query.payout_id });
  return toList(page, (t) => serializeTransfer(t, scope.mode === "live"));
});

export const { POST, PUT, PATCH, DELETE, OPTIONS } = methodsNotAllowed("GET");
