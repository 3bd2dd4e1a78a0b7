"use server";

import { cookies } from "next/headers";
import { redirect } from "next/navigation";
import { auth } from "@/app/auth";
import type { ActionState } from "@/components/dashboard/action-state";
import { db } from "@/db/client";
import { acceptInvitation } from "@/lib/auth/invitations";
import { createOrganisation } from "@/lib/auth/organisations";
import { failureState } from "../_lib/action-state";
import { ORG_COOKIE, signedInUserId } from "../_lib/member";

async function signedInUser() {
  const id = await signedInUserId();
  const session = await auth();
  return { id, email: session?.user?.email ?? null };
}

async function chooseOrganisation(organisationId: string) {
  (await cookies()).set(ORG_COOKIE, organisationId, {
    httpOnly: true,
    sameSite: "lax",
    path: "/",
    maxAge: 365 * 86_400,
  });
}

export async function createOrganisationAction(
  _prev: ActionState,
  form: FormData,
): Promise<ActionState> {
  let organisationId: string;
  try {
    const user = await signedInUser();
    const org = await createOrganisation(db, { name: String(form.get("name") ?? ""), owner: user });
    organisationId = org.id;
  } catch (error) {
    return failureState(error);
  }
  await chooseOrganisation(organisationId);
  redirect("/dashboard");
}

export async function acceptInvitationAction(
  _prev: ActionState,
  form: FormData,
): Promise<ActionState> {
  let organisationId: string;
  try {
    const user = await signedInUser();
    const token = form.get("token");
    const invitationId = form.get("invitationId");
    const key =
      typeof token === "string" && token
        ? { token }
        : { invitationId: typeof invitationId === "string" ? invitationId : "" };
    ({ organisationId } = await acceptInvitation(db, key, user));
  } catch (error) {
    return failureState(error);
  }
  await chooseOrganisation(organisationId);
  redirect("/dashboard");
}
