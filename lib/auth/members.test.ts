import { eq } from "drizzle-orm";
import { describe, expect, it } from "vitest";
import { db } from "@/db/client";
import { auditLog, memberships } from "@/db/schema";
import { isAppError } from "@/lib/errors";
import { addMember, organisationWithOwner, ownerContext } from "@/tests/dashboard/fixtures";
import { authorizeMember } from "./member-context";
import { changeMemberRole, listMembers, removeMember } from "./members";

describe("team management", () => {
  it("changes a role and records before and after", async () => {
    const { org, owner } = await organisationWithOwner(db);
    const member = await addMember(db, org.id, "support");
    await changeMemberRole(db, await ownerContext(db, owner.id, org.id), {
      userId: member.id,
      role: "finance",
    });
    const members = await listMembers(db, org.id);
    expect(members.find((m) => m.userId === member.id)?.role).toBe("finance");
    const [entry] = await db
      .select()
      .from(auditLog)
      .where(eq(auditLog.action, "member.role_change"));
    expect(entry).toMatchObject({
      organisationId: org.id,
      actorId: owner.id,
      targetId: member.id,
      before: { role: "support" },
      after: { role: "finance" },
    });
  });

  it("never leaves an organisation without an owner", async () => {
    const { org, owner } = await organisationWithOwner(db);
    const ctx = await ownerContext(db, owner.id, org.id);
    const demote = await changeMemberRole(db, ctx, { userId: owner.id, role: "admin" }).catch(
      (e) => e,
    );
    expect(isAppError(demote, "conflict")).toBe(true);
    const remove = await removeMember(db, ctx, owner.id).catch((e) => e);
    expect(isAppError(remove, "conflict")).toBe(true);
    expect((await listMembers(db, org.id))[0]?.role).toBe("owner");
  });

  it("does not let an admin touch owners or make one", async () => {
    const { org, owner } = await organisationWithOwner(db);
    const admin = await addMember(db, org.id, "admin");
    const support = await addMember(db, org.id, "support");
    const ctx = await authorizeMember(
      db,
      { userId: admin.id, organisationId: org.id, mode: "test" },
      "members.manage",
    );
    const promote = await changeMemberRole(db, ctx, { userId: support.id, role: "owner" }).catch(
      (e) => e,
    );
    expect(isAppError(promote, "forbidden")).toBe(true);
    const removeOwner = await removeMember(db, ctx, owner.id).catch((e) => e);
    expect(isAppError(removeOwner, "forbidden")).toBe(true);
  });

  it("removes a member, who then loses access", async () => {
    const { org, owner } = await organisationWithOwner(db);
    const member = await addMember(db, org.id, "developer");
    await removeMember(db, await ownerContext(db, owner.id, org.id), member.id);
    const rows = await db.select().from(memberships).where(eq(memberships.userId, member.id));
    expect(rows).toHaveLength(0);
    const error = await authorizeMember(
      db,
      { userId: member.id, organisationId: org.id, mode: "test" },
      "dashboard.view",
    ).catch((e) => e);
    expect(isAppError(error, "forbidden")).toBe(true);
  });

  it("refuses to act on a member of another organisation", async () => {
    const mine = await organisationWithOwner(db, "Mine");
    const theirs = await organisationWithOwner(db, "Theirs");
    const stranger = await addMember(db, theirs.org.id, "finance");
    const ctx = await ownerContext(db, mine.owner.id, mine.org.id);
    const error = await removeMember(db, ctx, stranger.id).catch((e) => e);
    expect(isAppError(error, "not_found")).toBe(true);
    const rows = await db.select().from(memberships).where(eq(memberships.userId, stranger.id));
    expect(rows).toHaveLength(1);
  });
});
