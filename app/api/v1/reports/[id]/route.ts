import { apiRoute } from "@/app/api/v1/api-route";
import { getReportOperation } from "@/lib/api/operations/reports";
import { methodsNotAllowed } from "@/lib/api/unrouted";
import { requireReport } from "@/lib/reports/reports";
import { serializeReport } from "@/lib/reports/serialize";

export const GET = apiRoute(getReportOperation, async ({ db, scope, params }) =>
  serializeReport(await requireReport(db, scope, params.id)),
);

export const { POST, PUT, PATCH, DELETE, OPTIONS } = methodsNotAllowed("GET");
