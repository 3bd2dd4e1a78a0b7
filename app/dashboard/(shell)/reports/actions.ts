"use server";

import { revalidatePath } from "next/cache";
import { db } from "@/db/client";
import { requestReportAsMember } from "@/lib/reports/member-actions";
import { successState } from "../../_lib/action-state";
import { memberAction } from "../../_lib/member-action";

export const requestReportAction = memberAction("reports.create", async (member, form) => {
  const report = await requestReportAsMember(db, member, {
    type: form.get("type"),
    fields: Object.fromEntries(
      ["from", "to", "status", "batch_id", "currency", "tax_year", "recipient_id"].map((name) => [
        name,
        form.get(name),
      ]),
    ),
  });
  revalidatePath("/dashboard/reports");
  return successState(`Report ${report.id} requested; it appears below as it is generated.`);
});
