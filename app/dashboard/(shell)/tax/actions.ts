"use server";

import { revalidatePath } from "next/cache";
import { db } from "@/db/client";
import { updateTaxSettings } from "@/lib/tax/settings";
import { successState } from "../../_lib/action-state";
import { memberAction } from "../../_lib/member-action";

const fields = [
  "legalName",
  "ein",
  "addressLine1",
  "addressLine2",
  "city",
  "region",
  "postalCode",
  "country",
  "phone",
  "collectPercent",
  "nec1099Amount",
  "dac7Amount",
  "dac7Count",
];

export const updateTaxSettingsAction = memberAction("tax.manage", async (member, form) => {
  await updateTaxSettings(db, member, {
    ...Object.fromEntries(fields.map((name) => [name, form.get(name) ?? undefined])),
    apiTaxReports: form.get("apiTaxReports") === "on",
  });
  revalidatePath("/dashboard/tax");
  return successState("Tax settings saved.");
});
