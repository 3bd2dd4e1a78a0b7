import { describe, expect, it } from "vitest";
import { db } from "@/db/client";
import { memberships } from "@/db/schema";
import { isAppError } from "@/lib/errors";
import { addMember, insertUser, organisationWithOwner } from "@/tests/dashboard/fixtures";
import { authorizeMember } from "./member-context";
import { actions, can, canAssignRole, roles } from "./permissions";

describe("the permission table", () => {
  it("lets an owner do everything", () => {
    for (const action of actions) expect(can("owner", action)).toBe(true);
  });

  it("keeps support away from keys, approvals and money movements", () => {
    expect(can("support", "api_keys.manage")).toBe(false);
    expect(can("support", "campaigns.approve")).toBe(false);
    expect(can("support", "campaigns.create")).toBe(false);
    expect(can("support", "funding.deposit")).toBe(false);
    expect(can("support", "payouts.cancel")).toBe(false);
    expect(can("support", "payouts.resend")).toBe(true);
    // Support asks for an email correction; a second member with finance or owner approves.
    expect(can("support", "payouts.request_email_change")).toBe(true);
    expect(can("support", "payouts.approve_email_change")).toBe(false);
  });

  it("gives developers the developer pages but not money", () => {
    expect(can("developer", "api_keys.manage")).toBe(true);
    expect(can("developer", "webhooks.manage")).toBe(true);
    expect(can("developer", "campaigns.create")).toBe(false);
    expect(can("developer", "funding.view")).toBe(false);
  });

  it("lets every role see the dashboard", () => {
    for (const role of roles) expect(can(role, "dashboard.view")).toBe(true);
  });

  it("reserves the owner role to owners", () => {
    expect(canAssignRole("owner", "owner")).toBe(true);
    expect(canAssignRole("admin", "owner")).toBe(false);
    expect(canAssignRole("admin", "finance")).toBe(true);
    expect(canAssignRole("finance", "support")).toBe(false);
  });
});

describe("authorizeMember", () => {
  it("resolves a member's organisation, role and scope", async () => {
    const { org, owner } = await organisationWithOwner(db);
    const ctx = await authorizeMember(
      db,
      { userId: owner.id, organisationId: org.id, mode: "live" },
      "api_keys.manage",
    );
    expect(ctx.organisation.id).toBe(org.id);
    expect(ctx.role).toBe("owner");
    expect(ctx.scope).toEqual({ organisationId: org.id, mode: "live" });
    expect(ctx.actor).toEqual({ id: owner.id, label: owner.email });
  });

  it("defaults to the user's first organisation and lists every membership for switching", async () => {
    const first = await organisationWithOwner(db, "First Org");
    const second = await organisationWithOwner(db, "Second Org");
    const both = await addMember(db, first.org.id, "finance");
    await db.insert(memberships).values({
      organisationId: second.org.id,
      userId: both.id,
      role: "support",
    });
    const ctx = await authorizeMember(db, { userId: both.id, mode: "test" }, "dashboard.view");
    expect(ctx.organisation.id).toBe(first.org.id);
    expect(ctx.memberships.map((m) => [m.name, m.role])).toEqual([
      ["First Org", "finance"],
      ["Second Org", "support"],
    ]);
    const switched = await authorizeMember(
      db,
      { userId: both.id, organisationId: second.org.id, mode: "test" },
      "dashboard.view",
    );
    expect(switched.role).toBe("support");
  });

  it("refuses another organisation's id", async () => {
    const mine = await organisationWithOwner(db, "Mine");
    const theirs = await organisationWithOwner(db, "Theirs");
    const error = await authorizeMember(
      db,
      { userId: mine.owner.id, organisationId: theirs.org.id, mode: "test" },
      "dashboard.view",
    ).catch((e) => e);
    expect(isAppError(error, "forbidden")).toBe(true);
    expect(error.meta.reason).toBe("not_a_member");
  });

  it("refuses an action the role does not allow", async () => {
    const { org } = await organisationWithOwner(db);
    const support = await addMember(db, org.id, "support");
    const error = await authorizeMember(
      db,
      { userId: support.id, organisationId: org.id, mode: "test" },
      "api_keys.manage",
    ).catch((e) => e);
    expect(isAppError(error, "forbidden")).toBe(true);
    expect(error.meta).toMatchObject({ reason: "role", role: "support" });
  });

  it("tells a user without organisation so", async () => {
    const loner = await insertUser(db, "loner@example.com");
    const error = await authorizeMember(
      db,
      { userId: loner.id, mode: "test" },
      "dashboard.view",
    ).catch((e) => e);
    expect(error.meta.reason).toBe("no_membership");
  });

  it("refuses an unknown user", async () => {
    const error = await authorizeMember(
      db,
      { userId: "usr_missing", mode: "test" },
      "dashboard.view",
    ).catch((e) => e);
    expect(isAppError(error, "unauthenticated")).toBe(true);
  });
});
