import { apiRoute } from "@/app/api/v1/api-route";
import { listBalancesOperation } from "@/lib/api/operations/ledger";
import { toList } from "@/lib/api/pagination";
import { methodsNotAllowed } from "@/lib/api/unrouted";
import { getBalances } from "@/lib/ledger";
import { serializeBalance } from "@/lib/ledger/serialize";

export const GET = apiRoute(listBalancesOperation, async ({ db, scope }) => {
  const balances = await getBalances(db, scope);
  return toList({ data: balances, hasMore: false }, (b) =>
    serializeBalance(b, scope.mode === "live"),
  );
});

export const { POST, PUT, PATCH, DELETE, OPTIONS } = methodsNotAllowed("GET");
