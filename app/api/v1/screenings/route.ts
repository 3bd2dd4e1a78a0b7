import { apiRoute } from "@/app/api/v1/api-route";
import { createScreeningOperation } from "@/lib/api/operations/screenings";
import { methodsNotAllowed } from "@/lib/api/unrouted";
import { preScreen } from "@/lib/compliance/pre-screen";

export const POST = apiRoute(createScreeningOperation, ({ db, scope, body }) =>
  preScreen(db, scope, body),
);

export const { GET, PUT, PATCH, DELETE, OPTIONS } = methodsNotAllowed("POST");
