"use server";

import { revalidatePath } from "next/cache";
import { db } from "@/db/client";
import { submitKyb } from "@/lib/compliance/kyb";
import { successState } from "../../_lib/action-state";
import { memberAction } from "../../_lib/member-action";

const text = (form: FormData, name: string) => String(form.get(name) ?? "");

export const submitKybAction = memberAction("kyb.submit", async (member, form) => {
  const owners = [0, 1, 2, 3].flatMap((i) =>
    text(form, `owners.${i}.name`).trim()
      ? [
          {
            name: text(form, `owners.${i}.name`),
            country: text(form, `owners.${i}.country`).trim().toUpperCase(),
            ownership: text(form, `owners.${i}.ownership`),
          },
        ]
      : [],
  );
  await submitKyb(db, member, {
    legalName: text(form, "legalName"),
    registrationNumber: text(form, "registrationNumber"),
    registrationCountry: text(form, "registrationCountry").trim().toUpperCase(),
    address: text(form, "address"),
    website: text(form, "website"),
    owners,
  });
  revalidatePath("/dashboard/verification");
  return successState(
    "Submitted. Platform operators will review it; live mode opens once approved.",
  );
});
