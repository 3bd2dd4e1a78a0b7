import { apiRoute } from "@/app/api/v1/api-route";
import { createTestDepositOperation } from "@/lib/api/operations/ledger";
import { createTestDeposit } from "@/lib/api/test-deposits";
import { methodsNotAllowed } from "@/lib/api/unrouted";

export const POST = apiRoute(
  createTestDepositOperation,
  async ({ db, scope, body, idempotencyKey, requestId }) =>
    createTestDeposit(db, scope, body, idempotencyKey ?? requestId),
);

export const { GET, PUT, PATCH, DELETE, OPTIONS } = methodsNotAllowed("POST");
