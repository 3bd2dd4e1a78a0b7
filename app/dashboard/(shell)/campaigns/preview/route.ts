import { db } from "@/db/client";
import { errorReportCsv } from "@/lib/campaigns/error-report";
import { parseCurrency, parseRowFixes, previewCampaignFile } from "@/lib/campaigns/upload";
import { validateCampaignCsv } from "@/lib/campaigns/validate-csv";
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
      const result = await validateCampaignCsv(file.stream(), { currency, fixes });
      return new Response(errorReportCsv(result.errors), {
        headers: {
          "content-type": "text/csv; charset=utf-8",
          "content-disposition": 'attachment; filename="campaign-errors.csv"',
        },
      });
    }
    const preview = await previewCampaignFile(db, member.scope, {
      source: file.stream(),
      currency,
      fixes,
    });
    return Response.json(preview);
  } catch (error) {
    return errorResponse(error);
  }
}
