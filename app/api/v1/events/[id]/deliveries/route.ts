import { apiRoute } from "@/app/api/v1/api-route";
import { listEventDeliveriesOperation } from "@/lib/api/operations/events";
import { pageOf } from "@/lib/api/pagination";
import { methodsNotAllowed } from "@/lib/api/unrouted";
import { AppError } from "@/lib/errors";
import { getEvent } from "@/lib/events/queries";
import { listDeliveryResources } from "@/lib/webhooks/delivery-resource";

export const GET = apiRoute(listEventDeliveriesOperation, async ({ db, scope, params, query }) => {
  const event = await getEvent(db, scope, params.id);
  if (!event) throw new AppError("not_found", `No such event: ${params.id}`);
  const page = await listDeliveryResources(db, scope, {
    ...pageOf(query),
    eventId: event.id,
    status: query.status,
  });
  return { object: "list" as const, data: page.data, has_more: page.hasMore };
});

export const { POST, PUT, PATCH, DELETE, OPTIONS } = methodsNotAllowed("GET");
