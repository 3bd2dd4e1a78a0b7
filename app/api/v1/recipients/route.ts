import { apiRoute } from "@/app/api/v1/api-route";
import { createRecipientOperation, listRecipientsOperation } from "@/lib/api/operations/recipients";
import { pageOf, toList } from "@/lib/api/pagination";
import { methodsNotAllowed } from "@/lib/api/unrouted";
import { createRecipient, listRecipients } from "@/lib/recipients/recipients";
import { serializeRecipient } from "@/lib/recipients/schemas";

export const POST = apiRoute(createRecipientOperation, async ({ db, scope, body }) =>
  serializeRecipient(await createRecipient(db, scope, body)),
);

export const GET = apiRoute(listRecipientsOperation, async ({ db, scope, query }) => {
  const page = await listRecipients(db, scope, {
    ...pageOf(query),
    email: query.email,
    externalId: query.external_id,
  });
  return toList(page, serializeRecipient);
});

export const { PUT, PATCH, DELETE, OPTIONS } = methodsNotAllowed("GET", "POST");
