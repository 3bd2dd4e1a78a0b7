import { createHash, randomBytes } from "node:crypto";
import { and, desc, eq, gt, isNull } from "drizzle-orm";
import { z } from "zod";
import type { DbOrTx } from "@/db/client";
import { invitations, memberships, organisations, type Role, users } from "@/db/schema";
import { recordAudit } from "@/lib/audit/record";
import { appUrl } from "@/lib/config";
import { AppError } from "@/lib/errors";
import { newId } from "@/lib/ids";
import type { MemberContext } from "./member-context";
import { canAssignRole, roles } from "./permissions";

export type InvitationRow = typeof invitations.$inferSelect;

const INVITATION_TTL_MS = 7 * 86_400_000;

export const inviteInputSchema = z.object({
  email: z.string().trim().toLowerCase().pipe(z.email("an email address").max(254)),
  role: z.enum(roles, { error: `one of ${roles.join(", ")}` }),
});

function hashToken(token: string): string {
  return createHash("sha256").update(token).digest("hex");
}

export function invitationUrl(token: string): string {
  return `${appUrl()}/dashboard/invitations/${token}`;
}

type Actor = Pick<MemberContext, "organisation" | "role" | "mode" | "actor">;

/**
 * Invites an email address with a role, replacing any open invitation for the same
 * address. Returns the token once, for the email; only its hash is stored.
 */
export async function createInvitation(
  db: DbOrTx,
  actor: Actor,
  input: { email: string; role: string },
): Promise<{ invitation: InvitationRow; token: string; url: string }> {
  const parsed = inviteInputSchema.safeParse(input);
  if (!parsed.success) {
    throw new AppError("validation_failed", "The invitation is not valid.", {
      fieldErrors: parsed.error.issues.map((i) => ({ path: i.path.join("."), message: i.message })),
    });
  }
  const { email, role } = parsed.data;
  if (!canAssignRole(actor.role, role)) {
    throw new AppError("forbidden", "Only an owner can invite another owner.");
  }
  return db.transaction(async (tx) => {
    const [existing] = await tx
      .select({ userId: memberships.userId })
      .from(memberships)
      .innerJoin(users, eq(users.id, memberships.userId))
      .where(and(eq(memberships.organisationId, actor.organisation.id), eq(users.email, email)));
    if (existing) {
      throw new AppError("conflict", `${email} is already a member of this organisation.`, {
        fieldErrors: [{ path: "email", message: "already a member" }],
      });
    }
    await tx
      .update(invitations)
      .set({ revokedAt: new Date() })
      .where(
        and(
          eq(invitations.organisationId, actor.organisation.id),
          eq(invitations.email, email),
          isNull(invitations.acceptedAt),
          isNull(invitations.revokedAt),
        ),
      );
    const token = randomBytes(32).toString("base64url");
    const [invitation] = await tx
      .insert(invitations)
      .values({
        id: newId("invitation"),
        organisationId: actor.organisation.id,
        email,
        role: role as Role,
        tokenHash: hashToken(token),
        invitedBy: actor.actor.id,
        expiresAt: new Date(Date.now() + INVITATION_TTL_MS),
      })
      .returning();
    const row = invitation as InvitationRow;
    await recordAudit(tx, {
      organisationId: actor.organisation.id,
      mode: actor.mode,
      actor: actor.actor,
      action: "member.invite",
      target: { type: "invitation", id: row.id },
      after: { email, role },
    });
    return { invitation: row, token, url: invitationUrl(token) };
  });
}

export async function listOpenInvitations(
  db: DbOrTx,
  organisationId: string,
): Promise<InvitationRow[]> {
  return db
    .select()
    .from(invitations)
    .where(
      and(
        eq(invitations.organisationId, organisationId),
        isNull(invitations.acceptedAt),
        isNull(invitations.revokedAt),
        gt(invitations.expiresAt, new Date()),
      ),
    )
    .orderBy(desc(invitations.createdAt));
}

export async function revokeInvitation(
  db: DbOrTx,
  actor: Actor,
  invitationId: string,
): Promise<void> {
  await db.transaction(async (tx) => {
    const [row] = await tx
      .update(invitations)
      .set({ revokedAt: new Date() })
      .where(
        and(
          eq(invitations.organisationId, actor.organisation.id),
          eq(invitations.id, invitationId),
          isNull(invitations.acceptedAt),
          isNull(invitations.revokedAt),
        ),
      )
      .returning();
    if (!row) throw new AppError("not_found", "No open invitation with this id.");
    await recordAudit(tx, {
      organisationId: actor.organisation.id,
      mode: actor.mode,
      actor: actor.actor,
      action: "member.invite_revoke",
      target: { type: "invitation", id: row.id },
      before: { email: row.email, role: row.role },
    });
  });
}

export type InvitationPreview = {
  id: string;
  email: string;
  role: Role;
  organisation: { id: string; name: string };
};

type InvitationKey = { token: string } | { invitationId: string };

/** What an invitation offers, or null when it is unknown, used, revoked or expired. */
export async function findOpenInvitation(
  db: DbOrTx,
  key: string | InvitationKey,
): Promise<InvitationPreview | null> {
  const k = typeof key === "string" ? { token: key } : key;
  const [row] = await db
    .select({
      id: invitations.id,
      email: invitations.email,
      role: invitations.role,
      organisation: { id: organisations.id, name: organisations.name },
    })
    .from(invitations)
    .innerJoin(organisations, eq(organisations.id, invitations.organisationId))
    .where(
      and(
        "token" in k
          ? eq(invitations.tokenHash, hashToken(k.token))
          : eq(invitations.id, k.invitationId),
        isNull(invitations.acceptedAt),
        isNull(invitations.revokedAt),
        gt(invitations.expiresAt, new Date()),
      ),
    );
  return row ?? null;
}

/** Open invitations addressed to a signed-in user's (verified) email. */
export async function listInvitationsForEmail(
  db: DbOrTx,
  email: string,
): Promise<InvitationPreview[]> {
  return db
    .select({
      id: invitations.id,
      email: invitations.email,
      role: invitations.role,
      organisation: { id: organisations.id, name: organisations.name },
    })
    .from(invitations)
    .innerJoin(organisations, eq(organisations.id, invitations.organisationId))
    .where(
      and(
        eq(invitations.email, email.toLowerCase()),
        isNull(invitations.acceptedAt),
        isNull(invitations.revokedAt),
        gt(invitations.expiresAt, new Date()),
      ),
    )
    .orderBy(desc(invitations.createdAt));
}

/**
 * Accepts an invitation for the signed-in user, by the emailed token or, from the
 * welcome page, by id. Either way the sign-in proved the user owns their email, and
 * the invitation only opens for that same address; the UPDATE's conditions make a
 * second acceptance (or a race) a refusal.
 */
export async function acceptInvitation(
  db: DbOrTx,
  key: string | InvitationKey,
  user: { id: string; email: string | null },
): Promise<{ organisationId: string; role: Role }> {
  return db.transaction(async (tx) => {
    const preview = await findOpenInvitation(tx, key);
    if (!preview) {
      throw new AppError("not_found", "This invitation is not valid any more. Ask for a new one.");
    }
    if (!user.email || preview.email !== user.email.toLowerCase()) {
      throw new AppError(
        "forbidden",
        `This invitation is for ${preview.email}. Sign in with that address to accept it.`,
      );
    }
    const [accepted] = await tx
      .update(invitations)
      .set({ acceptedAt: new Date(), acceptedBy: user.id })
      .where(
        and(
          eq(invitations.id, preview.id),
          isNull(invitations.acceptedAt),
          isNull(invitations.revokedAt),
        ),
      )
      .returning();
    if (!accepted) throw new AppError("conflict", "This invitation was already used.");
    await tx
      .insert(memberships)
      .values({ organisationId: preview.organisation.id, userId: user.id, role: preview.role })
      .onConflictDoNothing();
    await recordAudit(tx, {
      organisationId: preview.organisation.id,
      mode: "test",
      actor: { id: user.id, label: user.email },
      action: "member.join",
      target: { type: "user", id: user.id },
      after: { email: user.email, role: preview.role },
    });
    return { organisationId: preview.organisation.id, role: preview.role };
  });
}
