import { apiRoute } from "@/app/api/v1/api-route";
import { getRecipientOperation, updateRecipientOperation } from "@/lib/api/operations/recipients";
import { methodsNotAllowed } from "@/lib/api/unrouted";
import { apiKeyActor } from "@/lib/payouts/link-actions";
import { requireRecipient, updateRecipient } from "@/lib/recipients/recipients";
import { serializeRecipient } from "@/lib/recipients/schemas";

export const GET = apiRoute(getRecipientOperation, async ({ db, scope, params }) =>
  serializeRecipient(await requireRecipient(db, scope, params.id)),
);

export const PATCH = apiRoute(
  updateRecipientOperation,
  async ({ db, scope, params, body, apiKeyId }) =>
    serializeRecipient(await updateRecipient(db, apiKeyActor(scope, apiKeyId), params.id, body)),
);

export const { POST, PUT, DELETE, OPTIONS } = methodsNotAllowed("GET", "PATCH");
