import { apiRoute } from "@/app/api/v1/api-route";
import { getEventOperation } from "@/lib/api/operations/events";
import { methodsNotAllowed } from "@/lib/api/unrouted";
import { AppError } from "@/lib/errors";
import { getEvent } from "@/lib/events/queries";
import { serializeEvent } from "@/lib/events/serialize";

export const GET = apiRoute(getEventOperation, async ({ db, scope, params }) => {
  const event = await getEvent(db, scope, params.id);
  if (!event) throw new AppError("not_found", `No such event: ${params.id}`);
  return serializeEvent(event);
});

export const { POST, PUT, PATCH, DELETE, OPTIONS } = methodsNotAllowed("GET");
