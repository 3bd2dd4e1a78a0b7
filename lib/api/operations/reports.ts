import { exampleList, exampleReport } from "@/lib/api/examples";
import { createReportBodySchema } from "@/lib/reports/parameters";
import { reportListSchema, reportResourceSchema } from "@/lib/reports/serialize";
import { defineOperation } from "../operation";
import { paginationQuerySchema } from "../pagination";
import { idParamsSchema } from "./common";

const tag = "Reports";

export const createReportOperation = defineOperation({
  method: "POST",
  path: "/reports",
  operationId: "createReport",
  tag,
  summary: "Request a report",
  description:
    "Starts generating a CSV report in the background: `payouts` (from, to, status, batch_id, currency), `ledger` (from, to, currency), `reconciliation`, `tax_1099_nec` and `dac7` (tax_year), `recipient_statement` (recipient_id, tax_year). The report moves `pending` → `running` → `ready` (or `failed`) and sends `report.ready` / `report.failed`; retrieve it for its progress and, once ready, its files' signed download links. Reports holding tax ids need the organisation's permission for API keys.",
  body: createReportBodySchema,
  response: {
    status: 201,
    schema: reportResourceSchema,
    description: "The report, pending",
    example: exampleReport,
  },
  errors: ["forbidden"],
  example: {
    type: "payouts",
    parameters: { from: "2026-01-01", to: "2026-02-01", status: ["paid"] },
  },
});

export const listReportsOperation = defineOperation({
  method: "GET",
  path: "/reports",
  operationId: "listReports",
  tag,
  summary: "List reports",
  description: "Newest first.",
  query: paginationQuerySchema("report").strict(),
  response: {
    status: 200,
    schema: reportListSchema,
    description: "A page of reports",
    example: exampleList(exampleReport),
  },
});

export const getReportOperation = defineOperation({
  method: "GET",
  path: "/reports/{id}",
  operationId: "getReport",
  tag,
  summary: "Retrieve a report",
  description:
    "Its status and progress; once `ready`, each file with a download link signed for this request, valid for 15 minutes (retrieve the report again for a fresh one).",
  params: idParamsSchema,
  response: {
    status: 200,
    schema: reportResourceSchema,
    description: "The report",
    example: exampleReport,
  },
});
