"use server";

import { revalidatePath } from "next/cache";
import { db } from "@/db/client";
import { requestBatchFanOut } from "@/inngest/requests";
import { approveBatchAsMember, cancelBatchAsMember } from "@/lib/batches/approval";
import { successState } from "../../_lib/action-state";
import { memberAction } from "../../_lib/member-action";

export const approveCampaignAction = memberAction("campaigns.approve", async (member, form) => {
  const batchId = String(form.get("batchId") ?? "");
  const batch = await approveBatchAsMember(db, member, batchId);
  await requestBatchFanOut(member.scope, batch);
  revalidatePath(`/dashboard/campaigns/${batchId}`);
  return successState("Approved. Links are going out now.");
});

export const cancelCampaignAction = memberAction("campaigns.cancel", async (member, form) => {
  const batchId = String(form.get("batchId") ?? "");
  const { canceledPayouts } = await cancelBatchAsMember(db, member, batchId);
  revalidatePath(`/dashboard/campaigns/${batchId}`);
  return successState(`Canceled ${canceledPayouts} payouts; their funds are back in your balance.`);
});
