import { db } from "@/db/client";
import { projectBalanceDemand } from "@/inngest/requests";
import { errorReportCsv } from "@/lib/batches/csv-error-report";
import { parseCurrency, parseRowFixes, previewBatchCsv } from "@/lib/batches/csv-upload";
import { validateBatchCsv } from "@/lib/batches/validate-csv";
import { errorResponse, readUpload } from "../upload-request";

/**
 * Checks an uploaded campaign file without writing anything. `?format=csv` answers with
 * the full error report instead of the JSON preview.
 */
export async function POST(request: Request) {
  try {
    const { member, form, file } = await readUpload(request, "campaigns.create");
    const currency = parseCurrency(form.get("currency"));
    const fixes = parseRowFixes(form.get("fixes"));
    if (new URL(request.url).searchParams.get("format") === "csv") {
      const result = await validateBatchCsv(file.stream(), { currency, fixes });
      return new Response(errorReportCsv(result.errors), {
        headers: {
          "content-type": "text/csv; charset=utf-8",
          "content-disposition": 'attachment; filename="campaign-errors.csv"',
        },
      });
    }
    const preview = await previewBatchCsv(db, member.scope, {
      source: file.stream(),
      currency,
      fixes,
    });
    // About to be submitted and the balance cannot cover it: warn before it is refused.
    if (!preview.sufficientFunds) {
      void projectBalanceDemand(member.scope, { currency, amount: BigInt(preview.total) });
    }
    return Response.json(preview);
  } catch (error) {
    return errorResponse(error);
  }
}
