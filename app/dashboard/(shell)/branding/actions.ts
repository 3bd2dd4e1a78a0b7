"use server";

import { revalidatePath } from "next/cache";
import { db } from "@/db/client";
import { logoDataUrl, updateBranding } from "@/lib/organisations/branding";
import { successState } from "../../_lib/action-state";
import { memberAction } from "../../_lib/member-action";

export const updateBrandingAction = memberAction("branding.manage", async (member, form) => {
  const file = form.get("logo");
  const logo =
    form.get("removeLogo") === "1"
      ? { remove: true as const }
      : file instanceof File && file.size > 0
        ? {
            set: logoDataUrl({
              type: file.type,
              size: file.size,
              bytes: new Uint8Array(await file.arrayBuffer()),
            }),
          }
        : null;
  await updateBranding(
    db,
    member,
    {
      name: String(form.get("name") ?? ""),
      primaryColor: String(form.get("primaryColor") ?? ""),
      accentColor: String(form.get("accentColor") ?? ""),
      claimMessage: String(form.get("claimMessage") ?? ""),
      supportEmail: String(form.get("supportEmail") ?? ""),
    },
    logo,
  );
  revalidatePath("/dashboard", "layout");
  return successState("Branding saved. Claim pages show it from now on.");
});
