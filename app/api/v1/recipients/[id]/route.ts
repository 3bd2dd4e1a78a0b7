import { apiRoute } from "@/app/api/v1/api-route";
import { getRecipientOperation, updateRecipientOperation } from "@/lib/api/operations/recipients";
import { methodsNotAllowed } from "@/lib/api/unrouted";
import { requireRecipient, updateRecipient } from "@/lib/recipients/recipients";
import { serializeRecipient } from "@/lib/recipients/schemas";

export const GET = apiRoute(getRecipientOperation, async ({ db, scope, params }) =>
  serializeRecipient(await requireRecipient(db, scope, params.id)),
);

export const PATCH = apiRoute(updateRecipientOperation, async ({ db, scope, params, body }) =>
  serializeRecipient(await updateRecipient(db, scope, params.id, body)),
);

export const { POST, PUT, DELETE, OPTIONS } = methodsNotAllowed("GET", "PATCH");
