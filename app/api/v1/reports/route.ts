import { apiRoute } from "@/app/api/v1/api-route";
import { createReportOperation, listReportsOperation } from "@/lib/api/operations/reports";
import { pageOf, toList } from "@/lib/api/pagination";
import { methodsNotAllowed } from "@/lib/api/unrouted";
import { listReports, requestReport } from "@/lib/reports/reports";
import { serializeReport } from "@/lib/reports/serialize";

export const POST = apiRoute(createReportOperation, async ({ db, scope, body, actor }) =>
  serializeReport(await requestReport(db, scope, body, { actor, via: "api_key" }), {
    withLinks: false,
  }),
);

export const GET = apiRoute(listReportsOperation, async ({ db, scope, query }) =>
  toList(await listReports(db, scope, pageOf(query)), (row) => serializeReport(row)),
);

export const { PUT, PATCH, DELETE, OPTIONS } = methodsNotAllowed("GET", "POST");
