import { eq } from "drizzle-orm";
import type { DbOrTx } from "@/db/client";
import { reports } from "@/db/schema";
import { holdsTaxIds, type ReportType } from "./parameters";
import { verifyReportFileUrl } from "./signed-url";
import { readReportFile } from "./storage";

/**
 * A report file behind a signed link: null unless the signature is genuine, unexpired
 * and names a ready report's file. The link is the permission (it was signed for a
 * caller allowed to read the report), so no session or key is asked for here.
 */
export async function signedReportFile(
  db: DbOrTx,
  input: { reportId: string; file: string; expires: string | null; signature: string | null },
  now = new Date(),
): Promise<{ name: string; chunks: AsyncGenerator<Buffer> } | null> {
  if (!verifyReportFileUrl(input, now)) return null;
  const [report] = await db.select().from(reports).where(eq(reports.id, input.reportId));
  if (report?.status !== "ready") return null;
  if (!report.files.some((f) => f.name === input.file)) return null;
  const keys = holdsTaxIds[report.type as ReportType] ? "tax_ids" : "app";
  return {
    name: `${report.id}-${input.file}`,
    chunks: readReportFile(db, report.id, input.file, keys),
  };
}

/** Bytes as a web stream, pulled a chunk at a time (a slow client holds one chunk). */
export function streamOf(chunks: AsyncGenerator<Buffer>): ReadableStream<Uint8Array> {
  return new ReadableStream<Uint8Array>({
    async pull(controller) {
      const next = await chunks.next();
      if (next.done) controller.close();
      else controller.enqueue(new Uint8Array(next.value));
    },
    async cancel() {
      await chunks.return(undefined);
    },
  });
}
