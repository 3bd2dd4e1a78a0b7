import { and, asc, count, eq } from "drizzle-orm";
import type { DbOrTx, Tx } from "@/db/client";
import { memberships, type Role, users } from "@/db/schema";
import { recordAudit } from "@/lib/audit/record";
import { AppError } from "@/lib/errors";
import type { MemberContext } from "./member-context";
import { canAssignRole } from "./permissions";

export type MemberRow = {
  userId: string;
  email: string | null;
  name: string | null;
  role: Role;
  joinedAt: Date;
};

export async function listMembers(db: DbOrTx, organisationId: string): Promise<MemberRow[]> {
  return db
    .select({
      userId: users.id,
      email: users.email,
      name: users.name,
      role: memberships.role,
      joinedAt: memberships.createdAt,
    })
    .from(memberships)
    .innerJoin(users, eq(users.id, memberships.userId))
    .where(eq(memberships.organisationId, organisationId))
    .orderBy(asc(memberships.createdAt));
}

type Actor = Pick<MemberContext, "organisation" | "role" | "mode" | "actor">;

async function lockMember(tx: Tx, organisationId: string, userId: string) {
  const [row] = await tx
    .select({ role: memberships.role, email: users.email })
    .from(memberships)
    .innerJoin(users, eq(users.id, memberships.userId))
    .where(and(eq(memberships.organisationId, organisationId), eq(memberships.userId, userId)))
    .for("update", { of: memberships });
  if (!row) throw new AppError("not_found", "No such member in this organisation.");
  return row;
}

/**
 * An organisation always keeps an owner. Owner rows are locked together first, so two
 * owners demoting each other at once cannot both succeed.
 */
async function assertAnotherOwnerRemains(tx: Tx, organisationId: string) {
  await tx
    .select({ userId: memberships.userId })
    .from(memberships)
    .where(and(eq(memberships.organisationId, organisationId), eq(memberships.role, "owner")))
    .for("update");
  const [row] = await tx
    .select({ owners: count() })
    .from(memberships)
    .where(and(eq(memberships.organisationId, organisationId), eq(memberships.role, "owner")));
  if ((row?.owners ?? 0) <= 1) {
    throw new AppError("conflict", "An organisation needs at least one owner.");
  }
}

export async function changeMemberRole(
  db: DbOrTx,
  actor: Actor,
  params: { userId: string; role: Role },
): Promise<void> {
  await db.transaction(async (tx) => {
    const member = await lockMember(tx, actor.organisation.id, params.userId);
    if (member.role === params.role) return;
    if (!canAssignRole(actor.role, member.role) || !canAssignRole(actor.role, params.role)) {
      throw new AppError("forbidden", "Only an owner can change who is an owner.");
    }
    if (member.role === "owner") await assertAnotherOwnerRemains(tx, actor.organisation.id);
    await tx
      .update(memberships)
      .set({ role: params.role })
      .where(
        and(
          eq(memberships.organisationId, actor.organisation.id),
          eq(memberships.userId, params.userId),
        ),
      );
    await recordAudit(tx, {
      organisationId: actor.organisation.id,
      mode: actor.mode,
      actor: actor.actor,
      action: "member.role_change",
      target: { type: "user", id: params.userId },
      before: { email: member.email, role: member.role },
      after: { email: member.email, role: params.role },
    });
  });
}

export async function removeMember(db: DbOrTx, actor: Actor, userId: string): Promise<void> {
  await db.transaction(async (tx) => {
    const member = await lockMember(tx, actor.organisation.id, userId);
    if (!canAssignRole(actor.role, member.role)) {
      throw new AppError("forbidden", "Only an owner can remove an owner.");
    }
    if (member.role === "owner") await assertAnotherOwnerRemains(tx, actor.organisation.id);
    await tx
      .delete(memberships)
      .where(
        and(eq(memberships.organisationId, actor.organisation.id), eq(memberships.userId, userId)),
      );
    await recordAudit(tx, {
      organisationId: actor.organisation.id,
      mode: actor.mode,
      actor: actor.actor,
      action: "member.remove",
      target: { type: "user", id: userId },
      before: { email: member.email, role: member.role },
    });
  });
}
