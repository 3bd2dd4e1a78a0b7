"use server";

import { cookies } from "next/headers";
import { redirect } from "next/navigation";
import { signOut } from "@/app/auth";
import { db } from "@/db/client";
import { authorizeMember } from "@/lib/auth/member-context";
import { requireLiveAccess } from "@/lib/compliance/kyb";
import { isAppError } from "@/lib/errors";
import { currentMode, MODE_COOKIE, ORG_COOKIE, requireMember, signedInUserId } from "./_lib/member";

const cookieOptions = { httpOnly: true, sameSite: "lax", path: "/", maxAge: 365 * 86_400 } as const;

/** Switches the organisation after checking membership; the cookie is only a preference. */
export async function switchOrganisation(form: FormData): Promise<void> {
  const organisationId = String(form.get("organisationId") ?? "");
  const userId = await signedInUserId();
  await authorizeMember(
    db,
    { userId, organisationId, mode: await currentMode() },
    "dashboard.view",
  );
  (await cookies()).set(ORG_COOKIE, organisationId, { ...cookieOptions, secure: isSecure() });
  redirect("/dashboard");
}

/**
 * Switches test/live and stays in the same section: a detail page of one mode's
 * object means nothing in the other mode, so only the section's root is kept.
 */
export async function switchMode(form: FormData): Promise<void> {
  await signedInUserId();
  const mode = form.get("mode") === "live" ? "live" : "test";
  if (mode === "live") {
    const member = await requireMember("dashboard.view");
    try {
      await requireLiveAccess(db, member.organisation.id, "Switching to live mode");
    } catch (error) {
      // The verification page says why and how to get there.
      if (isAppError(error, "live_mode_unavailable"))
        redirect("/dashboard/verification?live=refused");
      throw error;
    }
  }
  (await cookies()).set(MODE_COOKIE, mode, { ...cookieOptions, secure: isSecure() });
  const returnTo = String(form.get("returnTo") ?? "");
  const section = /^\/dashboard\/([a-z-]+)/.exec(returnTo)?.[1];
  redirect(section ? `/dashboard/${section}` : "/dashboard");
}

export async function signOutAction(): Promise<void> {
  await signOut({ redirectTo: "/login" });
}

function isSecure(): boolean {
  return (process.env.APP_URL ?? "").startsWith("https://");
}
