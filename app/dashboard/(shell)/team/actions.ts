"use server";

import { revalidatePath } from "next/cache";
import { db } from "@/db/client";
import { sendInvitationEmail } from "@/lib/auth/invitation-email";
import { createInvitation, revokeInvitation } from "@/lib/auth/invitations";
import { changeMemberRole, removeMember } from "@/lib/auth/members";
import { isRole } from "@/lib/auth/permissions";
import { AppError } from "@/lib/errors";
import { successState } from "../../_lib/action-state";
import { memberAction } from "../../_lib/member-action";

export const inviteMemberAction = memberAction("members.manage", async (member, form) => {
  const { invitation, url } = await createInvitation(db, member, {
    email: String(form.get("email") ?? ""),
    role: String(form.get("role") ?? ""),
  });
  await sendInvitationEmail({
    invitation,
    url,
    organisationName: member.organisation.name,
    invitedBy: member.user.email,
  });
  revalidatePath("/dashboard/team");
  return successState(`Invitation sent to ${invitation.email}.`);
});

export const revokeInvitationAction = memberAction("members.manage", async (member, form) => {
  await revokeInvitation(db, member, String(form.get("invitationId") ?? ""));
  revalidatePath("/dashboard/team");
  return successState("Invitation revoked.");
});

export const changeRoleAction = memberAction("members.manage", async (member, form) => {
  const role = String(form.get("role") ?? "");
  if (!isRole(role)) throw new AppError("validation_failed", "Choose a role.");
  await changeMemberRole(db, member, { userId: String(form.get("userId") ?? ""), role });
  revalidatePath("/dashboard/team");
  return successState("Role changed.");
});

export const removeMemberAction = memberAction("members.manage", async (member, form) => {
  await removeMember(db, member, String(form.get("userId") ?? ""));
  revalidatePath("/dashboard/team");
  return successState("Member removed.");
});
