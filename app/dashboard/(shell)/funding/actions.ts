"use server";

import { revalidatePath } from "next/cache";
import { db } from "@/db/client";
import { addTestFunds, setLowBalanceThreshold } from "@/lib/ledger/funding";
import { formatMoney } from "@/lib/money";
import { successState } from "../../_lib/action-state";
import { memberAction } from "../../_lib/member-action";

export const addTestFundsAction = memberAction("funding.deposit", async (member, form) => {
  const result = await addTestFunds(db, member, {
    currency: form.get("currency"),
    amount: form.get("amount"),
    requestId: form.get("requestId"),
  });
  revalidatePath("/dashboard", "layout");
  return successState(
    result.replayed
      ? "That deposit was already made."
      : `Added ${formatMoney({ amount: result.amount, currency: result.currency })} of test money.`,
  );
});

export const setThresholdAction = memberAction("funding.thresholds", async (member, form) => {
  const { currency, amount } = await setLowBalanceThreshold(db, member, {
    currency: form.get("currency"),
    amount: form.get("threshold"),
  });
  revalidatePath("/dashboard", "layout");
  return successState(
    amount === null
      ? `No low-balance alert for ${currency}.`
      : `Alert when ${currency} falls below ${formatMoney({ amount: amount, currency: currency })}.`,
  );
});
