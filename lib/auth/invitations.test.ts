import { eq } from "drizzle-orm";
import { describe, expect, it } from "vitest";
import { db } from "@/db/client";
import { invitations } from "@/db/schema";
import { isAppError } from "@/lib/errors";
import {
  addMember,
  insertUser,
  organisationWithOwner,
  ownerContext,
} from "@/tests/dashboard/fixtures";
import {
  acceptInvitation,
  createInvitation,
  findOpenInvitation,
  listInvitationsForEmail,
  listOpenInvitations,
  revokeInvitation,
} from "./invitations";
import { authorizeMember } from "./member-context";

describe("invitations", () => {
  it("lets the invited address join with the invited role, once", async () => {
    const { org, owner } = await organisationWithOwner(db);
    const ctx = await ownerContext(db, owner.id, org.id);
    const { token, url } = await createInvitation(db, ctx, {
      email: "  Finn@Acme.Test ",
      role: "finance",
    });
    expect(url).toMatch(/\/dashboard\/invitations\/[A-Za-z0-9_-]{43}$/);
    const stored = await db
      .select()
      .from(invitations)
      .where(eq(invitations.organisationId, org.id));
    expect(stored[0]?.email).toBe("finn@acme.test");
    expect(stored[0]?.tokenHash).not.toContain(token);

    const finn = await insertUser(db, "finn@acme.test");
    await expect(acceptInvitation(db, token, finn)).resolves.toEqual({
      organisationId: org.id,
      role: "finance",
    });
    const member = await authorizeMember(
      db,
      { userId: finn.id, organisationId: org.id, mode: "test" },
      "campaigns.approve",
    );
    expect(member.role).toBe("finance");
    const again = await acceptInvitation(db, token, finn).catch((e) => e);
    expect(isAppError(again, "not_found")).toBe(true);
  });

  it("opens only for the invited email", async () => {
    const { org, owner } = await organisationWithOwner(db);
    const { token } = await createInvitation(db, await ownerContext(db, owner.id, org.id), {
      email: "fiona@acme.test",
      role: "admin",
    });
    const mallory = await insertUser(db, "mallory@evil.test");
    const error = await acceptInvitation(db, token, mallory).catch((e) => e);
    expect(isAppError(error, "forbidden")).toBe(true);
    const preview = await findOpenInvitation(db, token);
    const byId = await acceptInvitation(db, { invitationId: preview?.id ?? "" }, mallory).catch(
      (e) => e,
    );
    expect(isAppError(byId, "forbidden")).toBe(true);
    expect(await listInvitationsForEmail(db, "mallory@evil.test")).toEqual([]);
    expect(await listInvitationsForEmail(db, "FIONA@acme.test")).toHaveLength(1);
    const fiona = await insertUser(db, "fiona@acme.test");
    await acceptInvitation(db, { invitationId: preview?.id ?? "" }, fiona);
    expect(await findOpenInvitation(db, token)).toBeNull();
  });

  it("replaces an open invitation when the same address is invited again", async () => {
    const { org, owner } = await organisationWithOwner(db);
    const ctx = await ownerContext(db, owner.id, org.id);
    const first = await createInvitation(db, ctx, { email: "sam@acme.test", role: "support" });
    const second = await createInvitation(db, ctx, { email: "sam@acme.test", role: "developer" });
    expect(await findOpenInvitation(db, first.token)).toBeNull();
    expect((await findOpenInvitation(db, second.token))?.role).toBe("developer");
    expect(await listOpenInvitations(db, org.id)).toHaveLength(1);
  });

  it("refuses an existing member, a bad email and an owner invitation from an admin", async () => {
    const { org, owner } = await organisationWithOwner(db);
    const ctx = await ownerContext(db, owner.id, org.id);
    const member = await addMember(db, org.id, "support");
    const dup = await createInvitation(db, ctx, { email: member.email, role: "finance" }).catch(
      (e) => e,
    );
    expect(isAppError(dup, "conflict")).toBe(true);
    const bad = await createInvitation(db, ctx, { email: "not-an-email", role: "finance" }).catch(
      (e) => e,
    );
    expect(isAppError(bad, "validation_failed")).toBe(true);
    expect(bad.fieldErrors[0].path).toBe("email");
    const admin = await addMember(db, org.id, "admin");
    const adminCtx = await ownerContext(db, admin.id, org.id);
    const owner2 = await createInvitation(db, adminCtx, {
      email: "boss@acme.test",
      role: "owner",
    }).catch((e) => e);
    expect(isAppError(owner2, "forbidden")).toBe(true);
    expect(await listOpenInvitations(db, org.id)).toHaveLength(0);
  });

  it("kills a revoked invitation, and only within the organisation", async () => {
    const mine = await organisationWithOwner(db, "Mine");
    const theirs = await organisationWithOwner(db, "Theirs");
    const { invitation, token } = await createInvitation(
      db,
      await ownerContext(db, mine.owner.id, mine.org.id),
      { email: "x@acme.test", role: "support" },
    );
    const foreign = await revokeInvitation(
      db,
      await ownerContext(db, theirs.owner.id, theirs.org.id),
      invitation.id,
    ).catch((e) => e);
    expect(isAppError(foreign, "not_found")).toBe(true);
    await revokeInvitation(db, await ownerContext(db, mine.owner.id, mine.org.id), invitation.id);
    expect(await findOpenInvitation(db, token)).toBeNull();
  });
});
