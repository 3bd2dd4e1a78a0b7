import { cookies } from "next/headers";
import { redirect } from "next/navigation";
import { auth } from "@/app/auth";
import { db } from "@/db/client";
import type { Mode } from "@/db/schema";
import { authorizeMember, type MemberContext } from "@/lib/auth/member-context";
import type { Action } from "@/lib/auth/permissions";
import { isAppError } from "@/lib/errors";

export const ORG_COOKIE = "disburse_org";
export const MODE_COOKIE = "disburse_mode";

export async function currentMode(): Promise<Mode> {
  return (await cookies()).get(MODE_COOKIE)?.value === "live" ? "live" : "test";
}

/** The signed-in user's id, or a redirect to the sign-in page. */
export async function signedInUserId(callbackUrl = "/dashboard"): Promise<string> {
  const session = await auth();
  const id = session?.user?.id;
  if (!id) redirect(`/login?callbackUrl=${encodeURIComponent(callbackUrl)}`);
  return id;
}

/**
 * The one server-side guard. Resolves the signed-in user, the organisation (the one
 * named, else the one chosen in the switcher, else the first) and the mode, and checks
 * the role allows `action`; throws `forbidden` otherwise. Pages and server actions call
 * it before touching data, and query only within the returned scope, so an id from
 * another organisation is refused or simply not found.
 */
export async function requireMember(
  action: Action,
  organisationId?: string | null,
): Promise<MemberContext> {
  const userId = await signedInUserId();
  const mode = await currentMode();
  if (organisationId) return authorizeMember(db, { userId, organisationId, mode }, action);
  const chosen = (await cookies()).get(ORG_COOKIE)?.value;
  try {
    return await authorizeMember(db, { userId, organisationId: chosen, mode }, action);
  } catch (error) {
    // A switcher cookie naming an organisation the user has since left falls back to
    // their first membership rather than locking them out.
    if (chosen && isAppError(error, "forbidden") && error.meta.reason === "not_a_member") {
      return authorizeMember(db, { userId, mode }, action);
    }
    throw error;
  }
}

/**
 * `requireMember` for pages: a user without organisation goes to the welcome page, a
 * role without access to the forbidden page.
 */
export async function requirePageMember(action: Action): Promise<MemberContext> {
  try {
    return await requireMember(action);
  } catch (error) {
    if (isAppError(error, "forbidden")) {
      if (error.meta.reason === "no_membership") redirect("/dashboard/welcome");
      redirect(`/dashboard/forbidden?action=${encodeURIComponent(action)}`);
    }
    if (isAppError(error, "unauthenticated")) redirect("/login");
    throw error;
  }
}
