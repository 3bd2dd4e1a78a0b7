import { and, eq, like } from "drizzle-orm";
import { beforeAll, describe, expect, it } from "vitest";
import { db } from "@/db/client";
import { auditLog, emailChangeRequests, emails, type Role, recipients } from "@/db/schema";
import { authorizeMember, type MemberContext } from "@/lib/auth/member-context";
import { can } from "@/lib/auth/permissions";
import { isAppError } from "@/lib/errors";
import { openEmail } from "@/lib/mail";
import { getPayoutDetail } from "@/lib/read-models/payout-detail";
import { addMember, organisationWithClaimablePayouts } from "@/tests/dashboard/fixtures";
import {
  approveEmailChange,
  closeEmailChange,
  emailChangedKey,
  pendingEmailChange,
  requestEmailChange,
} from "./email-change";

process.env.AUTH_SECRET ??= "email-change-test-secret-0123456789abcdef01";
process.env.DEV_MAILBOX ??= "1";

type Fixture = Awaited<ReturnType<typeof organisationWithClaimablePayouts>>;
let org: Fixture;
let other: Fixture;
const members = {} as Record<"support" | "finance" | "admin", MemberContext>;

const person = (n: number) => ({
  email: `person${n}@example.com`,
  name: `Person ${n}`,
  country: "US",
  externalId: `person-${n}`,
  amount: 1_000n + BigInt(n),
});

async function memberOf(organisationId: string, role: Role) {
  const user = await addMember(db, organisationId, role);
  return authorizeMember(db, { userId: user.id, organisationId, mode: "test" }, "dashboard.view");
}

beforeAll(async () => {
  org = await organisationWithClaimablePayouts(db, [1, 2, 3, 4, 5].map(person));
  other = await organisationWithClaimablePayouts(db, [person(1)]);
  for (const role of ["support", "finance", "admin"] as const) {
    members[role] = await memberOf(org.org.id, role);
  }
});

const recipientEmail = async (payoutId: string) =>
  (await getPayoutDetail(db, org.member.scope, payoutId))?.recipient.email;
const liveLinkId = async (payoutId: string) =>
  (await getPayoutDetail(db, org.member.scope, payoutId))?.liveLink?.id;
const failure = (promise: Promise<unknown>) =>
  promise.then(
    () => null,
    (error) => error,
  );

describe("changing where a payout's money goes", () => {
  it("lets support ask for a change but not make it: nothing changes until approved", async () => {
    expect(can("support", "payouts.request_email_change")).toBe(true);
    expect(can("support", "payouts.approve_email_change")).toBe(false);
    const payoutId = org.payoutIds[0] as string;
    const linkBefore = await liveLinkId(payoutId);

    const request = await requestEmailChange(db, members.support, {
      payoutId,
      email: "attacker@evil.example",
    });

    expect(request.status).toBe("pending");
    expect(await recipientEmail(payoutId)).toBe("person1@example.com");
    expect(await liveLinkId(payoutId)).toBe(linkBefore);
    const toNew = await db.select().from(emails).where(eq(emails.to, "attacker@evil.example"));
    expect(toNew).toEqual([]);
    expect(await pendingEmailChange(db, org.member.scope, request.recipientId)).toMatchObject({
      id: request.id,
      fromEmail: "person1@example.com",
      toEmail: "attacker@evil.example",
      requestedByLabel: members.support.actor.label,
    });
    const [asked] = await db
      .select()
      .from(auditLog)
      .where(
        and(eq(auditLog.targetId, payoutId), eq(auditLog.action, "payout.email_change_request")),
      );
    expect(asked?.before).toEqual({
      recipientId: request.recipientId,
      email: "person1@example.com",
    });
    expect(asked?.after).toMatchObject({ email: "attacker@evil.example", requestId: request.id });
  });

  it("never lets the member who asked approve, whatever their role", async () => {
    const payoutId = org.payoutIds[1] as string;
    const request = await requestEmailChange(db, org.member, {
      payoutId,
      email: "person2.new@example.com",
    });

    const error = await failure(approveEmailChange(db, org.member, request.id));

    expect(isAppError(error, "forbidden")).toBe(true);
    expect(await recipientEmail(payoutId)).toBe("person2@example.com");
    // Even a write that skipped the code's check is refused by the table.
    const direct = await failure(
      db
        .update(emailChangeRequests)
        .set({ status: "approved", decidedBy: request.requestedBy, decidedAt: new Date() })
        .where(eq(emailChangeRequests.id, request.id)),
    );
    expect(String(direct?.cause ?? direct)).toMatch(/email_change_second_member/);
    await closeEmailChange(db, org.member, { requestId: request.id, outcome: "withdrawn" });
  });

  it("applies the change when a second member with finance approves: new link, audit, and the old address told once", async () => {
    const payoutId = org.payoutIds[2] as string;
    const linkBefore = await liveLinkId(payoutId);
    const request = await requestEmailChange(db, members.support, {
      payoutId,
      email: "p3.new-address@example.com",
    });

    const result = await approveEmailChange(db, members.finance, request.id);

    expect(result.linkReissued).toBe(true);
    expect(await recipientEmail(payoutId)).toBe("p3.new-address@example.com");
    const linkAfter = await liveLinkId(payoutId);
    expect(linkAfter).not.toBe(linkBefore);
    const [invite] = await db
      .select()
      .from(emails)
      .where(and(eq(emails.subjectRef, payoutId), eq(emails.to, "p3.new-address@example.com")));
    expect(invite?.kind).toBe("invite");

    const [entry] = await db
      .select()
      .from(auditLog)
      .where(and(eq(auditLog.targetId, payoutId), eq(auditLog.action, "payout.correct_email")));
    expect(entry?.actorId).toBe(members.finance.actor.id);
    expect(entry?.before).toEqual({
      recipientId: request.recipientId,
      email: "person3@example.com",
    });
    expect(entry?.after).toMatchObject({
      recipientId: request.recipientId,
      email: "p3.new-address@example.com",
      linkReissued: true,
      requestId: request.id,
      requestedBy: members.support.actor.label,
    });

    const again = await failure(approveEmailChange(db, members.finance, request.id));
    expect(isAppError(again, "invalid_state_transition")).toBe(true);
    const notices = await db
      .select()
      .from(emails)
      .where(and(eq(emails.subjectRef, payoutId), eq(emails.kind, "email_changed")));
    expect(notices).toHaveLength(1);
    const [notice] = notices;
    expect(notice?.idempotencyKey).toBe(emailChangedKey(request.id));
    expect(notice?.to).toBe("person3@example.com");
    const body = openEmail(notice);
    expect(body?.text).toContain("p3•••@example.com");
    expect(body?.text).not.toContain("p3.new-address");
    expect(body?.html).not.toContain("p3.new-address");
    expect(body?.text).not.toContain("/c/");
  });

  it("lets an owner approve what admin asked, but not an admin approve what support asked", async () => {
    expect(can("admin", "payouts.approve_email_change")).toBe(false);
    expect(can("owner", "payouts.approve_email_change")).toBe(true);
    const payoutId = org.payoutIds[3] as string;
    const request = await requestEmailChange(db, members.admin, {
      payoutId,
      email: "person4.new@example.com",
    });
    await approveEmailChange(db, org.member, request.id);
    expect(await recipientEmail(payoutId)).toBe("person4.new@example.com");
  });

  it("keeps one pending change per recipient, and rejects or withdraws without changing anything", async () => {
    const payoutId = org.payoutIds[4] as string;
    const first = await requestEmailChange(db, members.support, {
      payoutId,
      email: "person5.a@example.com",
    });
    const second = await failure(
      requestEmailChange(db, members.admin, { payoutId, email: "person5.b@example.com" }),
    );
    expect(isAppError(second, "conflict")).toBe(true);

    const notMine = await failure(
      closeEmailChange(db, members.admin, { requestId: first.id, outcome: "withdrawn" }),
    );
    expect(isAppError(notMine, "forbidden")).toBe(true);
    const rejected = await closeEmailChange(db, members.finance, {
      requestId: first.id,
      outcome: "rejected",
    });
    expect(rejected.status).toBe("rejected");
    expect(isAppError(await failure(approveEmailChange(db, org.member, first.id)))).toBe(true);

    const retry = await requestEmailChange(db, members.support, {
      payoutId,
      email: "person5.b@example.com",
    });
    await closeEmailChange(db, members.support, { requestId: retry.id, outcome: "withdrawn" });
    expect(await pendingEmailChange(db, org.member.scope, retry.recipientId)).toBeNull();
    expect(await recipientEmail(payoutId)).toBe("person5@example.com");
    const told = await db
      .select()
      .from(emails)
      .where(like(emails.idempotencyKey, "email-changed:%"));
    expect(told.map((m) => m.to)).not.toContain("person5@example.com");
  });

  it("refuses a request or an approval across organisations", async () => {
    const foreignPayout = other.payoutIds[0] as string;
    const asked = await failure(
      requestEmailChange(db, members.support, { payoutId: foreignPayout, email: "x@example.com" }),
    );
    expect(isAppError(asked, "not_found")).toBe(true);

    const theirs = await requestEmailChange(db, other.member, {
      payoutId: foreignPayout,
      email: "someone.else@example.com",
    });
    const approved = await failure(approveEmailChange(db, members.finance, theirs.id));
    expect(isAppError(approved, "not_found")).toBe(true);
    const [stored] = await db
      .select()
      .from(recipients)
      .where(eq(recipients.organisationId, other.org.id));
    expect(stored?.email).toBe("person1@example.com");
  });
});
