import { db } from "@/db/client";
import { signedReportFile, streamOf } from "@/lib/reports/download";

type Context = { params: Promise<{ id: string; file: string }> };

/** A report file at its signed, expiring link; anything else is a plain 404. */
export async function GET(request: Request, { params }: Context) {
  const { id, file } = await params;
  const url = new URL(request.url);
  const found = await signedReportFile(db, {
    reportId: id,
    file,
    expires: url.searchParams.get("expires"),
    signature: url.searchParams.get("signature"),
  });
  if (!found) {
    return new Response("This download link is not valid or has expired.", {
      status: 404,
      headers: { "Content-Type": "text/plain; charset=utf-8", "Cache-Control": "no-store" },
    });
  }
  return new Response(streamOf(found.chunks), {
    headers: {
      "Content-Type": "text/csv; charset=utf-8",
      "Content-Disposition": `attachment; filename="${found.name.replace(/[^\w.-]/g, "_")}"`,
      "Cache-Control": "private, no-store",
    },
  });
}
