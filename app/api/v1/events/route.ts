import { apiRoute } from "@/app/api/v1/api-route";
import { listEventsOperation } from "@/lib/api/operations/events";
import { pageOf, toList } from "@/lib/api/pagination";
import { methodsNotAllowed } from "@/lib/api/unrouted";
import { listEvents } from "@/lib/events/queries";
import { serializeEvent } from "@/lib/events/serialize";

export const GET = apiRoute(listEventsOperation, async ({ db, scope, query }) => {
  const page = await listEvents(db, scope, {
    ...pageOf(query),
    types: query.type,
    createdGte: query["created[gte]"],
    createdLte: query["created[lte]"],
  });
  return toList(page, serializeEvent);
});

export const { POST, PUT, PATCH, DELETE, OPTIONS } = methodsNotAllowed("GET");
