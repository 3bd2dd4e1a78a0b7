"use server";

import { revalidatePath } from "next/cache";
import { db } from "@/db/client";
import { rejectHeldPayout } from "@/lib/compliance/reviews";
import {
  approveEmailChange,
  closeEmailChange,
  requestEmailChange,
} from "@/lib/payouts/email-change";
import {
  cancelPayoutAsMember,
  clearHeldPayout,
  reissueClaimLink,
  resendClaimLink,
} from "@/lib/payouts/member-actions";
import { successState } from "../../_lib/action-state";
import { memberAction } from "../../_lib/member-action";

const payoutIdOf = (form: FormData) => String(form.get("payoutId") ?? "");

function refresh(payoutId: string) {
  revalidatePath(`/dashboard/payouts/${payoutId}`);
  revalidatePath("/dashboard/payouts");
}

export const resendLinkAction = memberAction("payouts.resend", async (member, form) => {
  const payoutId = payoutIdOf(form);
  const email = await resendClaimLink(db, member, payoutId);
  refresh(payoutId);
  return successState(`Sent the link again to ${email.to}.`);
});

export const reissueLinkAction = memberAction("payouts.reissue", async (member, form) => {
  const payoutId = payoutIdOf(form);
  const { reopened } = await reissueClaimLink(db, member, payoutId);
  refresh(payoutId);
  return successState(
    reopened
      ? "Reissued: its funds are reserved again and a new link went out with a new deadline."
      : "Issued a new link and emailed it. The old link no longer works.",
  );
});

export const requestEmailChangeAction = memberAction(
  "payouts.request_email_change",
  async (member, form) => {
    const payoutId = payoutIdOf(form);
    await requestEmailChange(db, member, { payoutId, email: String(form.get("email") ?? "") });
    refresh(payoutId);
    return successState(
      "Change requested. It applies once another finance or owner member approves it.",
    );
  },
);

const requestIdOf = (form: FormData) => String(form.get("requestId") ?? "");

export const approveEmailChangeAction = memberAction(
  "payouts.approve_email_change",
  async (member, form) => {
    const payoutId = payoutIdOf(form);
    const { linkReissued } = await approveEmailChange(db, member, requestIdOf(form));
    refresh(payoutId);
    return successState(
      linkReissued
        ? "Email changed; a new link went to the new address and the old address was told."
        : "Email changed; the old address was told.",
    );
  },
);

export const rejectEmailChangeAction = memberAction(
  "payouts.approve_email_change",
  async (member, form) => {
    const payoutId = payoutIdOf(form);
    await closeEmailChange(db, member, { requestId: requestIdOf(form), outcome: "rejected" });
    refresh(payoutId);
    return successState("Email change rejected; nothing changed.");
  },
);

export const withdrawEmailChangeAction = memberAction(
  "payouts.request_email_change",
  async (member, form) => {
    const payoutId = payoutIdOf(form);
    await closeEmailChange(db, member, { requestId: requestIdOf(form), outcome: "withdrawn" });
    refresh(payoutId);
    return successState("Email change withdrawn; nothing changed.");
  },
);

export const cancelPayoutAction = memberAction("payouts.cancel", async (member, form) => {
  const payoutId = payoutIdOf(form);
  await cancelPayoutAsMember(db, member, { payoutId, reason: String(form.get("reason") ?? "") });
  refresh(payoutId);
  return successState("Payout canceled; its funds are back in your available balance.");
});

export const clearReviewAction = memberAction("payouts.review", async (member, form) => {
  const payoutId = payoutIdOf(form);
  await clearHeldPayout(db, member, { payoutId, note: String(form.get("note") ?? "") });
  refresh(payoutId);
  revalidatePath("/dashboard/payouts/review");
  return successState("Approved: the recipient has been sent their link.");
});

export const rejectReviewAction = memberAction("payouts.review", async (member, form) => {
  const payoutId = payoutIdOf(form);
  await rejectHeldPayout(db, member, { payoutId, note: String(form.get("note") ?? "") });
  refresh(payoutId);
  revalidatePath("/dashboard/payouts/review");
  return successState(
    "Rejected: the payout is canceled, its funds released, and the recipient was told.",
  );
});
