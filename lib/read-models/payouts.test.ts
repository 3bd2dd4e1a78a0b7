import { and, eq } from "drizzle-orm";
import { beforeAll, describe, expect, it } from "vitest";
import { db } from "@/db/client";
import { auditLog, emails, recipients } from "@/db/schema";
import { authorizeMember } from "@/lib/auth/member-context";
import { isAppError } from "@/lib/errors";
import { getBalances } from "@/lib/ledger";
import { openEmail } from "@/lib/mail";
import { approveEmailChange, requestEmailChange } from "@/lib/payouts/email-change";
import {
  cancelPayoutAsMember,
  reissueClaimLink,
  resendClaimLink,
} from "@/lib/payouts/member-actions";
import { addMember, organisationWithClaimablePayouts } from "@/tests/dashboard/fixtures";
import { getPayoutDetail } from "./payout-detail";
import { payoutSearchSchema, searchPayouts } from "./payout-search";

process.env.AUTH_SECRET ??= "dashboard-test-secret-0123456789abcdef0123";
// Mail stays readable (sealed) only for the dev mailbox.
process.env.DEV_MAILBOX ??= "1";

const people = [
  {
    email: "Maya.Chen@example.com",
    name: "Maya Chen",
    country: "US",
    externalId: "creator-1001",
    amount: 2_500n,
  },
  {
    email: "lukas@example.com",
    name: "Lukas Weber",
    country: "DE",
    externalId: "creator-1002",
    amount: 4_000n,
  },
  {
    email: "amani@example.com",
    name: "Amani Otieno",
    country: "KE",
    externalId: "creator-1003",
    amount: 1_500n,
  },
];

type Fixture = Awaited<ReturnType<typeof organisationWithClaimablePayouts>>;
let mine: Fixture;
let theirs: Fixture;

beforeAll(async () => {
  mine = await organisationWithClaimablePayouts(db, people);
  theirs = await organisationWithClaimablePayouts(db, [
    {
      email: "maya.chen@example.com",
      name: "Maya Chen",
      country: "US",
      externalId: "creator-1001",
      amount: 999n,
    },
  ]);
});

const search = (f: Fixture, query: Record<string, string>) =>
  searchPayouts(db, f.member.scope, payoutSearchSchema.parse(query));

describe("searching payouts", () => {
  it("finds a payout by email in any case, external id, payout id, or part of a name", async () => {
    const [mayaId] = mine.payoutIds;
    for (const q of ["maya.chen@EXAMPLE.com", "creator-1001", mayaId as string, "chen", "maya"]) {
      const { data } = await search(mine, { q });
      expect(
        data.map((r) => r.id),
        q,
      ).toEqual([mayaId]);
    }
  });

  it("never returns another organisation's payouts", async () => {
    const { data } = await search(mine, { q: "maya.chen@example.com" });
    expect(data).toHaveLength(1);
    expect(data[0]?.amount).toBe(2_500n);
    const foreign = await search(mine, { q: theirs.payoutIds[0] as string });
    expect(foreign.data).toEqual([]);
  });

  it("filters by status, campaign, country and dates", async () => {
    expect((await search(mine, { status: "claimable" })).data).toHaveLength(3);
    expect((await search(mine, { status: "paid" })).data).toHaveLength(0);
    expect((await search(mine, { country: "de" })).data.map((r) => r.recipient.name)).toEqual([
      "Lukas Weber",
    ]);
    expect((await search(mine, { batch: mine.batch.id })).data).toHaveLength(3);
    expect((await search(mine, { batch: theirs.batch.id })).data).toHaveLength(0);
    const today = new Date().toISOString().slice(0, 10);
    expect((await search(mine, { from: today, to: today })).data).toHaveLength(3);
    expect((await search(mine, { to: "2000-01-01" })).data).toHaveLength(0);
  });

  it("refuses a malformed filter instead of guessing", () => {
    expect(payoutSearchSchema.safeParse({ status: "lost" }).success).toBe(false);
    expect(payoutSearchSchema.safeParse({ from: "yesterday" }).success).toBe(false);
    expect(payoutSearchSchema.parse({ q: "", status: "" })).toEqual({});
  });
});

describe("the payout detail", () => {
  it("shows the ledger entries and state changes on one timeline", async () => {
    const detail = await getPayoutDetail(db, mine.member.scope, mine.payoutIds[0] as string);
    expect(detail?.recipient.email).toBe("Maya.Chen@example.com");
    expect(detail?.ledger.map((t) => [t.from, t.to, t.amount])).toEqual([
      ["available", "reserved", 2_500n],
    ]);
    const kinds = detail?.timeline.map((e) => e.kind);
    expect(kinds).toContain("ledger");
    expect(kinds).toContain("transition");
    expect(kinds).toContain("link");
    const created = detail?.timeline.find((e) => e.kind === "transition" && e.from === null);
    expect(created?.kind === "transition" && created.actor).toBe(mine.owner.email);
    expect(detail?.liveLink).not.toBeNull();
  });

  it("is not found from another organisation", async () => {
    expect(await getPayoutDetail(db, mine.member.scope, theirs.payoutIds[0] as string)).toBeNull();
  });
});

describe("payout actions", () => {
  it("resends the live link as a new invite email each time, audited", async () => {
    const payoutId = mine.payoutIds[1] as string;
    const first = await resendClaimLink(db, mine.member, payoutId);
    const second = await resendClaimLink(db, mine.member, payoutId);
    expect(first.id).not.toBe(second.id);
    expect(first.to).toBe("lukas@example.com");
    expect(openEmail(first)?.text).toContain("/c/");
    const audits = await db
      .select()
      .from(auditLog)
      .where(and(eq(auditLog.targetId, payoutId), eq(auditLog.action, "payout.resend_link")));
    expect(audits).toHaveLength(2);
  });

  it("reissues a link: the old one dies and the new one is emailed", async () => {
    const payoutId = mine.payoutIds[1] as string;
    const before = await getPayoutDetail(db, mine.member.scope, payoutId);
    const link = await reissueClaimLink(db, mine.member, payoutId);
    const after = await getPayoutDetail(db, mine.member.scope, payoutId);
    expect(after?.liveLink?.id).toBe(link.linkId);
    expect(after?.liveLink?.id).not.toBe(before?.liveLink?.id);
    expect(
      after?.timeline.some(
        (e) => e.kind === "link" && e.event === "revoked" && e.linkId === before?.liveLink?.id,
      ),
    ).toBe(true);
    const [mail] = await db
      .select()
      .from(emails)
      .where(eq(emails.idempotencyKey, `invite:${payoutId}:${link.linkId}`));
    expect(mail?.to).toBe("lukas@example.com");
    expect(openEmail(mail)?.text).toContain(link.url);
  });

  it("corrects the email and sends a fresh link to the new address", async () => {
    const payoutId = mine.payoutIds[2] as string;
    // A change of where the money goes takes two members: support asks, the owner approves.
    const supportUser = await addMember(db, mine.org.id, "support");
    const support = await authorizeMember(
      db,
      { userId: supportUser.id, organisationId: mine.org.id, mode: "test" },
      "payouts.request_email_change",
    );
    const request = await requestEmailChange(db, support, {
      payoutId,
      email: "amani.o@example.com",
    });
    const result = await approveEmailChange(db, mine.member, request.id);
    expect(result.linkReissued).toBe(true);
    const [mail] = await db
      .select()
      .from(emails)
      .where(and(eq(emails.subjectRef, payoutId), eq(emails.to, "amani.o@example.com")));
    expect(mail?.kind).toBe("invite");
    const [entry] = await db
      .select()
      .from(auditLog)
      .where(and(eq(auditLog.targetId, payoutId), eq(auditLog.action, "payout.correct_email")));
    expect(entry?.before).toMatchObject({ email: "amani@example.com" });
    expect(entry?.after).toMatchObject({ email: "amani.o@example.com" });
    const bad = await requestEmailChange(db, support, { payoutId, email: "nope" }).catch((e) => e);
    expect(isAppError(bad, "validation_failed")).toBe(true);
  });

  it("cancels a payout, releasing its funds, and cannot act on it again", async () => {
    const payoutId = mine.payoutIds[0] as string;
    const [before] = await getBalances(db, mine.member.scope);
    await cancelPayoutAsMember(db, mine.member, { payoutId, reason: "duplicate" });
    const [after] = await getBalances(db, mine.member.scope);
    expect((after?.available ?? 0n) - (before?.available ?? 0n)).toBe(2_500n);
    const resend = await resendClaimLink(db, mine.member, payoutId).catch((e) => e);
    expect(isAppError(resend, "invalid_state_transition")).toBe(true);
    const again = await cancelPayoutAsMember(db, mine.member, { payoutId }).catch((e) => e);
    expect(isAppError(again, "invalid_state_transition")).toBe(true);
  });

  it("refuses every action on another organisation's payout and changes nothing", async () => {
    const foreign = theirs.payoutIds[0] as string;
    for (const attempt of [
      () => resendClaimLink(db, mine.member, foreign),
      () => reissueClaimLink(db, mine.member, foreign),
      () => requestEmailChange(db, mine.member, { payoutId: foreign, email: "x@example.com" }),
      () => cancelPayoutAsMember(db, mine.member, { payoutId: foreign }),
    ]) {
      const error = await attempt().catch((e) => e);
      expect(isAppError(error, "not_found")).toBe(true);
    }
    const [r] = await db
      .select()
      .from(recipients)
      .where(eq(recipients.organisationId, theirs.org.id));
    expect(r?.email).toBe("maya.chen@example.com");
    const detail = await getPayoutDetail(db, theirs.member.scope, foreign);
    expect(detail?.payout.status).toBe("claimable");
  });
});
