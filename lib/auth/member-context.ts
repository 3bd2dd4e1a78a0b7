import { eq } from "drizzle-orm";
import type { DbOrTx } from "@/db/client";
import { type Mode, type Role, users } from "@/db/schema";
import type { Scope } from "@/db/scope";
import type { AuditActor } from "@/lib/audit/record";
import { AppError } from "@/lib/errors";
import { getMembership, listMemberships, type MembershipSummary } from "./organisations";
import { type Action, can } from "./permissions";

export type MemberContext = {
  user: { id: string; email: string | null; name: string | null };
  organisation: { id: string; name: string; slug: string };
  role: Role;
  mode: Mode;
  /** The tenant scope every query of this request runs in. */
  scope: Scope;
  /** Who to write into the audit log for this request's actions. */
  actor: AuditActor;
  memberships: MembershipSummary[];
};

/**
 * Resolves a signed-in user to one organisation they belong to and checks the role
 * allows `action`. Without an explicit organisation the user's first membership is used.
 * A user who is not a member of the asked organisation gets `forbidden`, which is also
 * what another organisation's id in a URL or form leads to.
 */
export async function authorizeMember(
  db: DbOrTx,
  params: { userId: string; organisationId?: string | null; mode: Mode },
  action: Action,
): Promise<MemberContext> {
  const [user] = await db
    .select({ id: users.id, email: users.email, name: users.name })
    .from(users)
    .where(eq(users.id, params.userId));
  if (!user) throw new AppError("unauthenticated", "Sign in to continue.");

  const all = await listMemberships(db, user.id);
  const membership = params.organisationId
    ? await getMembership(db, user.id, params.organisationId)
    : (all[0] ?? null);
  if (!membership) {
    throw new AppError(
      "forbidden",
      params.organisationId
        ? "You are not a member of this organisation."
        : "You do not belong to any organisation yet.",
      { meta: { reason: params.organisationId ? "not_a_member" : "no_membership" } },
    );
  }
  if (!can(membership.role, action)) {
    throw new AppError("forbidden", `Your role (${membership.role}) does not allow ${action}.`, {
      meta: { reason: "role", action, role: membership.role },
    });
  }
  return {
    user,
    organisation: { id: membership.organisationId, name: membership.name, slug: membership.slug },
    role: membership.role,
    mode: params.mode,
    scope: { organisationId: membership.organisationId, mode: params.mode },
    actor: { id: user.id, label: user.email },
    memberships: all,
  };
}
