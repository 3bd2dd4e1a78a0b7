import { requireMember } from "@/app/dashboard/_lib/member";
import { db } from "@/db/client";
import { getReport } from "@/lib/reports/reports";
import { errorResponse } from "../../../campaigns/upload-request";

/** Polled by a report's progress bar. */
export async function GET(request: Request, { params }: { params: Promise<{ id: string }> }) {
  try {
    const organisationId = new URL(request.url).searchParams.get("organisationId");
    const member = await requireMember("reports.view", organisationId);
    const { id } = await params;
    const report = await getReport(db, member.scope, id);
    if (!report) {
      return Response.json(
        { error: { code: "not_found", message: "No such report." } },
        { status: 404 },
      );
    }
    return Response.json(
      { status: report.status, progress: report.progress },
      { headers: { "cache-control": "no-store" } },
    );
  } catch (error) {
    return errorResponse(error);
  }
}
