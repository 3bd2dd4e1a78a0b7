"use server";

import { revalidatePath } from "next/cache";
import { db } from "@/db/client";
import { setApprovalThreshold } from "@/lib/batches/approval";
import { parseCurrency } from "@/lib/batches/csv-upload";
import { loadComplianceSettings, saveComplianceSettingsAsMember } from "@/lib/compliance/settings";
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

/**
 * Thresholds and counts are the form's values (a blank count is no limit). Amounts are
 * typed in the chosen currency's major units: blank keeps that currency's limit, 0
 * removes it.
 */
export const saveComplianceSettingsAction = memberAction(
  "settings.manage",
  async (member, form) => {
    const currency = parseCurrency(form.get("limitCurrency"));
    const current = await loadComplianceSettings(db, member.organisation.id);
    const field = (name: string) => String(form.get(name) ?? "").trim();
    const count = (name: string) => (field(name) === "" ? null : field(name));
    const amounts = (name: string, existing: Record<string, bigint>) => {
      const next: Record<string, string> = Object.fromEntries(
        Object.entries(existing).map(([c, a]) => [c, a.toString()]),
      );
      const raw = field(name);
      if (raw === "0") delete next[currency];
      else if (raw !== "") {
        const parsed = parseMajorAmount(raw, currency);
        if (!parsed.ok) {
          throw new AppError("validation_failed", "The limits are not valid.", {
            fieldErrors: [{ path: name, message: parsed.message }],
          });
        }
        next[currency] = parsed.amount.toString();
      }
      return next;
    };
    await saveComplianceSettingsAsMember(db, member, {
      reviewThreshold: field("reviewThreshold"),
      blockThreshold: field("blockThreshold"),
      recipientDailyCount: count("recipientDailyCount"),
      recipientMonthlyCount: count("recipientMonthlyCount"),
      recipientDailyAmount: amounts("recipientDailyAmount", current.recipientDailyAmount),
      recipientMonthlyAmount: amounts("recipientMonthlyAmount", current.recipientMonthlyAmount),
      organisationDailyAmount: amounts("organisationDailyAmount", current.organisationDailyAmount),
    });
    revalidatePath("/dashboard/settings");
    return successState("Compliance settings saved.");
  },
);
