"use server";

import { revalidatePath } from "next/cache";
import { db } from "@/db/client";
import { setApprovalThreshold } from "@/lib/batches/approval";
import { parseCurrency } from "@/lib/batches/csv-upload";
import { parseMajorAmount } from "@/lib/decimal-amount";
import { AppError } from "@/lib/errors";
import { successState } from "../../_lib/action-state";
import { memberAction } from "../../_lib/member-action";

export const setApprovalThresholdAction = memberAction("settings.manage", async (member, form) => {
  const currency = parseCurrency(form.get("currency"));
  const raw = String(form.get("amount") ?? "").trim();
  let amount: bigint | null = null;
  if (raw === "0") amount = 0n;
  else if (raw !== "") {
    const parsed = parseMajorAmount(raw, currency);
    if (!parsed.ok) {
      throw new AppError("validation_failed", "The threshold is not valid.", {
        fieldErrors: [{ path: "amount", message: parsed.message }],
      });
    }
    amount = parsed.amount;
  }
  await setApprovalThreshold(db, member, { currency, amount });
  revalidatePath("/dashboard/settings");
  return successState(
    amount === null ? `${currency} campaigns need no approval.` : "Approval threshold saved.",
  );
});
