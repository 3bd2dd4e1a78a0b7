import { requireMember } from "@/app/dashboard/_lib/member";
import { db } from "@/db/client";
import { fanOutProgress } from "@/lib/batches/progress";
import { getBatch } from "@/lib/payouts/queries";
import { errorResponse } from "../../upload-request";

/** Polled by the progress bar while a campaign fans out. */
export async function GET(request: Request, { params }: { params: Promise<{ id: string }> }) {
  try {
    const organisationId = new URL(request.url).searchParams.get("organisationId");
    const member = await requireMember("campaigns.view", organisationId);
    const { id } = await params;
    const batch = await getBatch(db, member.scope, id);
    if (!batch)
      return Response.json(
        { error: { code: "not_found", message: "No such campaign." } },
        { status: 404 },
      );
    const progress = await fanOutProgress(db, member.scope, id);
    return Response.json(
      { status: batch.status, ...progress },
      { headers: { "cache-control": "no-store" } },
    );
  } catch (error) {
    return errorResponse(error);
  }
}
