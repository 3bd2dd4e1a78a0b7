import { revalidatePath } from "next/cache";
import { after } from "next/server";
import { db } from "@/db/client";
import type { Scope } from "@/db/scope";
import { relayEvents } from "@/inngest/relay";
import { projectBalanceDemand } from "@/inngest/requests";
import { refusedDemand } from "@/lib/balance-monitor";
import { commitBatchCsv, parseRowFixes } from "@/lib/batches/csv-upload";
import { errorResponse, readUpload } from "../upload-request";

/** Creates the campaign from the file, if every row is valid; otherwise nothing at all. */
export async function POST(request: Request) {
  let scope: Scope | undefined;
  try {
    const { member, form, file } = await readUpload(request, "campaigns.create");
    scope = member.scope;
    const settings = {
      name: form.get("name"),
      currency: form.get("currency"),
      message: form.get("message") ?? undefined,
      allowedMethods: form.getAll("allowedMethods"),
      expiresInDays: form.get("expiresInDays") || undefined,
    };
    const { batch } = await commitBatchCsv(db, member, {
      source: file.stream(),
      settings,
      fixes: parseRowFixes(form.get("fixes")),
    });
    // The campaign's fan-out starts once the response is sent, not at the next sweep.
    after(relayEvents);
    revalidatePath("/dashboard/campaigns");
    return Response.json({ id: batch.id, status: batch.status }, { status: 201 });
  } catch (error) {
    const demand = refusedDemand(error);
    if (scope && demand) void projectBalanceDemand(scope, demand);
    return errorResponse(error);
  }
}
