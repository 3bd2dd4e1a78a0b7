import { and, eq } from "drizzle-orm";
import { beforeAll, describe, expect, it } from "vitest";
import { GET as getPayoutRoute } from "@/app/api/v1/payouts/[id]/route";
import { POST as createScreeningRoute } from "@/app/api/v1/screenings/route";
import { db } from "@/db/client";
import {
  auditLog,
  complianceReviews,
  destinationFingerprints,
  emails,
  events,
  payouts,
} from "@/db/schema";
import type { Scope } from "@/db/scope";
import type { ActingMember } from "@/lib/audit/record";
import { screenDestination } from "@/lib/compliance/destinations";
import { loadFixtureList } from "@/lib/compliance/fixture-list";
import { loadSanctionsList } from "@/lib/compliance/lists/load";
import { sendPayoutStoppedNotice } from "@/lib/compliance/notices";
import { rescreenChunk } from "@/lib/compliance/rescreen";
import { rejectHeldPayout } from "@/lib/compliance/reviews";
import { saveComplianceSettings } from "@/lib/compliance/settings";
import { isAppError } from "@/lib/errors";
import { openEmail } from "@/lib/mail";
import { createPayout, createPayoutBodySchema } from "@/lib/payouts/create-payout";
import { clearHeldPayout } from "@/lib/payouts/member-actions";
import { preparePayouts } from "@/lib/payouts/prepare-payouts";
import { getPayout } from "@/lib/payouts/queries";
import { reviewQueue } from "@/lib/read-models/review-queue";
import { call } from "@/tests/fixtures/api-requests";
import { createTestOrganisation } from "@/tests/fixtures/organisations";
import { balanceOf, fund, insertOrganisation } from "@/tests/payouts/fixtures";

process.env.AUTH_SECRET ??= "test-secret-for-compliance-engine-0123456789abcdef";
process.env.DEV_MAILBOX ??= "1";

beforeAll(async () => {
  await loadFixtureList(db, "test");
});

const reviewer = (scope: Scope): ActingMember => ({
  scope,
  actor: { id: "usr_reviewer", label: "reviewer@acme.test" },
});

async function organisation() {
  const { scope } = await insertOrganisation(db);
  await fund(db, scope, 1_000_000n);
  return scope;
}

/** A pending payout; the same name is the same recipient (its external id). */
async function pay(scope: Scope, name: string, country: string, amount = 5_000) {
  const handle = name.replace(/\W+/g, ".").toLowerCase();
  const payout = await createPayout(
    db,
    scope,
    createPayoutBodySchema.parse({
      recipient: { email: `${handle}@example.com`, name, country, external_id: handle },
      amount,
      currency: "USD",
    }),
  );
  return payout.id;
}

async function statusOf(scope: Scope, id: string) {
  return (await getPayout(db, scope, id))?.status;
}

describe("the compliance engine where payouts are prepared", () => {
  it("holds a likely list match with its explanation, blocks a near-certain one, passes the rest", async () => {
    const scope = await organisation();
    const held = await pay(scope, "Ivan Ostrov", "DE");
    const blocked = await pay(scope, "Kestrel Aviation FZE", "AE");
    const passed = await pay(scope, "Maya Chen", "US");

    const result = await preparePayouts(db, scope, [held, blocked, passed]);

    expect(result.review).toEqual([held]);
    expect(result.canceled).toEqual([{ payoutId: blocked, reason: "sanctions_list_match" }]);
    expect(result.links.map((l) => l.payoutId)).toEqual([passed]);
    expect(await getPayout(db, scope, blocked)).toMatchObject({
      status: "canceled",
      failureReason: "sanctions_list_match",
    });
    // What notify-payout-stopped does on the payout.canceled event: one polite email.
    // Without SMTP the mail is stored for the dev mailbox; the second call finds it.
    expect(await sendPayoutStoppedNotice(db, scope, blocked)).toBe("stored");
    expect(await sendPayoutStoppedNotice(db, scope, blocked)).toBe("duplicate");
    expect(await sendPayoutStoppedNotice(db, scope, passed)).toBe("not_needed");

    const { data } = await reviewQueue(db, scope);
    expect(data).toHaveLength(1);
    const [item] = data;
    expect(item?.reasonCodes).toEqual(["sanctions_list_match"]);
    const finding = item?.findings[0];
    expect(finding?.rule).toBe("sanctions_list");
    if (finding?.rule !== "sanctions_list") throw new Error("expected a list finding");
    expect(finding.match).toMatchObject({
      matchedName: "OSTROV, Ivan Petrovich",
      list: { listName: "Disburse fixture (fictional)", fixture: true },
      entry: { uid: "1001", type: "individual", countries: ["RU"] },
      unpairedEntry: ["petrovich"],
    });
    expect(finding.match.pairs.map((p) => [p.query, p.entry, p.by])).toEqual(
      expect.arrayContaining([
        ["ivan", "ivan", "exact"],
        ["ostrov", "ostrov", "exact"],
      ]),
    );
    expect(finding.match.evidence[0]?.delta).toBeLessThan(0);
    expect(finding.match.score).toBeGreaterThanOrEqual(0.8);
    expect(finding.match.score).toBeLessThan(0.97);

    const review = await db
      .select()
      .from(events)
      .where(eq(events.type, "recipient.review_required"));
    expect(review.map((e) => (e.data as { payout_id: string }).payout_id)).toContain(held);
    const audit = await db
      .select({ action: auditLog.action, targetId: auditLog.targetId })
      .from(auditLog)
      .where(eq(auditLog.organisationId, scope.organisationId));
    expect(audit).toEqual(
      expect.arrayContaining([
        { action: "compliance.screening.review", targetId: held },
        { action: "compliance.screening.block", targetId: blocked },
        { action: "compliance.screening.pass", targetId: null },
      ]),
    );
  });

  it("approve: the held payout becomes claimable, the review closes, and the match does not hold it again", async () => {
    const scope = await organisation();
    const id = await pay(scope, "Ivan Ostrov", "DE");
    await preparePayouts(db, scope, [id]);
    await clearHeldPayout(db, reviewer(scope), {
      payoutId: id,
      note: "Different person: DOB differs",
    });

    expect(await statusOf(scope, id)).toBe("claimable");
    const [review] = await db
      .select()
      .from(complianceReviews)
      .where(eq(complianceReviews.payoutId, id));
    expect(review).toMatchObject({
      status: "approved",
      note: "Different person: DOB differs",
      decidedBy: "user:usr_reviewer",
    });
    const second = await pay(scope, "Ivan Ostrov", "DE");
    expect((await preparePayouts(db, scope, [second])).links.map((l) => l.payoutId)).toEqual([
      second,
    ]);
  });

  it("reject: canceled, funds released, the recipient told politely with the payer's contact", async () => {
    const scope = await organisation();
    const id = await pay(scope, "Ivan Ostrov", "DE", 5_000);
    await preparePayouts(db, scope, [id]);
    const before = await balanceOf(db, scope);

    await rejectHeldPayout(db, reviewer(scope), { payoutId: id, note: "Confirmed match" });

    expect(await getPayout(db, scope, id)).toMatchObject({
      status: "canceled",
      failureReason: "review_rejected",
    });
    const after = await balanceOf(db, scope);
    expect(after.available - before.available).toBe(5_000n);
    expect(after.reserved - before.reserved).toBe(-5_000n);
    const [mail] = await db.select().from(emails).where(eq(emails.subjectRef, id));
    expect(mail).toMatchObject({ to: "ivan.ostrov@example.com", kind: "payout_stopped" });
    expect(openEmail(mail)?.text).toContain("support@acme.test");
    expect(openEmail(mail)?.text).not.toMatch(/sanction|1001|fixture|list|review/i);
    const [review] = await db
      .select()
      .from(complianceReviews)
      .where(eq(complianceReviews.payoutId, id));
    expect(review).toMatchObject({ status: "rejected", note: "Confirmed match" });
  });

  it("keeps the queue to its organisation and mode", async () => {
    const mine = await organisation();
    const theirs = await organisation();
    const id = await pay(mine, "Ivan Ostrov", "DE");
    await preparePayouts(db, mine, [id]);

    expect((await reviewQueue(db, theirs)).data).toEqual([]);
    expect((await reviewQueue(db, { ...mine, mode: "live" })).data).toEqual([]);
    const refused = await clearHeldPayout(db, reviewer(theirs), { payoutId: id }).catch((e) => e);
    expect(isAppError(refused, "not_found")).toBe(true);
    const rejected = await rejectHeldPayout(db, reviewer(theirs), { payoutId: id }).catch((e) => e);
    expect(isAppError(rejected, "not_found")).toBe(true);
    expect(await statusOf(mine, id)).toBe("awaiting_review");
  });

  it("holds the payout that crosses a recipient's daily count or amount, or the organisation's daily amount", async () => {
    const scope = await organisation();
    await saveComplianceSettings(db, scope.organisationId, {
      reviewThreshold: 80,
      blockThreshold: 97,
      recipientDailyCount: 2,
      recipientMonthlyCount: null,
      recipientDailyAmount: { USD: 20_000n },
      recipientMonthlyAmount: {},
      organisationDailyAmount: { USD: 100_000n },
    });
    const first = await pay(scope, "Maya Chen", "US", 5_000);
    const second = await pay(scope, "Maya Chen", "US", 5_000);
    const third = await pay(scope, "Maya Chen", "US", 5_000);
    const big = await pay(scope, "Lukas Weber", "DE", 25_000);
    const result = await preparePayouts(db, scope, [first, second, third, big]);
    expect(result.links.map((l) => l.payoutId).sort()).toEqual([first, second].sort());
    expect(result.review.sort()).toEqual([third, big].sort());
    const reasons = Object.fromEntries(
      (await reviewQueue(db, scope)).data.map((r) => [r.payout.id, r.reasonCodes]),
    );
    expect(reasons[third]).toEqual(["recipient_daily_count"]);
    expect(reasons[big]).toEqual(["recipient_daily_amount"]);

    const overOrg = await pay(scope, "Amani Otieno", "KE", 90_000);
    await preparePayouts(db, scope, [overOrg]);
    const held = (await reviewQueue(db, scope)).data.find((r) => r.payout.id === overOrg);
    expect(held?.reasonCodes).toEqual(["recipient_daily_amount", "organisation_daily_amount"]);
  });

  it("keeps the exact country and region blocks", async () => {
    const scope = await organisation();
    const id = await pay(scope, "Maya Chen", "CU");
    const result = await preparePayouts(db, scope, [id]);
    expect(result.canceled).toEqual([{ payoutId: id, reason: "sanctioned_country" }]);
  });

  it("rescreens open payouts when a new list version names their recipient, and holds them", async () => {
    const scope = await organisation();
    const id = await pay(scope, "Hanna Vostrikova", "PL");
    await preparePayouts(db, scope, [id]);
    expect(await statusOf(scope, id)).toBe("claimable");

    await loadSanctionsList(db, {
      files: [
        {
          name: "update.csv",
          bytes: new TextEncoder().encode(
            "id,name,type,country\nU-1,VOSTRIKOVA Hanna,individual,RU\n",
          ),
        },
      ],
      loadedBy: "test",
    });
    const result = await rescreenChunk(db, scope, null);
    expect(result).toMatchObject({ held: 1, nextAfter: null });
    expect(await statusOf(scope, id)).toBe("awaiting_review");
    const [review] = await db
      .select()
      .from(complianceReviews)
      .where(and(eq(complianceReviews.payoutId, id), eq(complianceReviews.status, "open")));
    expect(review).toMatchObject({ stage: "rescreen", reasonCodes: ["sanctions_list_match"] });

    // Approving it issues a new link; the payout is claimable again.
    await clearHeldPayout(db, reviewer(scope), { payoutId: id });
    expect(await statusOf(scope, id)).toBe("claimable");
    expect((await rescreenChunk(db, scope, null)).held).toBe(0);
  });
});

describe("the API", () => {
  it("shows a held payout's reason codes, never the list entry, and pre-screens a recipient", async () => {
    const org = await createTestOrganisation(db);
    const scope: Scope = { organisationId: org.organisation.id, mode: "test" };
    await fund(db, scope, 100_000n);
    const id = await pay(scope, "Ivan Ostrov", "DE");
    await preparePayouts(db, scope, [id]);

    const res = await call(getPayoutRoute, "GET", `/payouts/${id}`, {
      key: org.testKey,
      params: { id },
    });
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({
      status: "awaiting_review",
      review: { reason_codes: ["sanctions_list_match"] },
    });
    // The entry's name, its list uid (1001, not as part of an id) and the list's name.
    expect(JSON.stringify(res.body)).not.toMatch(/OSTROV|\b1001\b|fixture/i);

    const screen = (body: unknown) =>
      call(createScreeningRoute, "POST", "/screenings", { key: org.testKey, body });
    expect((await screen({ name: "Ivan Ostrov", country: "DE" })).body).toEqual({
      object: "screening",
      livemode: false,
      outcome: "review",
      reason_codes: ["sanctions_list_match"],
    });
    expect((await screen({ name: "Kestrel Aviation FZE", country: "AE" })).body).toMatchObject({
      outcome: "block",
    });
    expect(
      (await screen({ name: "Maya Chen", country: "UA", region: "UA-43" })).body,
    ).toMatchObject({
      outcome: "block",
      reason_codes: ["sanctioned_region"],
    });
    expect((await screen({ name: "Maya Chen", country: "US" })).body).toMatchObject({
      outcome: "pass",
      reason_codes: [],
    });
    const bad = await screen({ name: "", country: "Narnia" });
    expect(bad.status).toBe(422);
  });
});

describe("payout state", () => {
  it("never touches payouts of another tenant through rescreening", async () => {
    const scope = await organisation();
    const other = await organisation();
    const id = await pay(other, "Ivan Ostrov", "DE");
    await preparePayouts(db, other, [id], { screen: () => ({ outcome: "pass" }) });
    await rescreenChunk(db, scope, null);
    expect(await statusOf(other, id)).toBe("claimable");
    const [row] = await db.select().from(payouts).where(eq(payouts.id, id));
    expect(row?.status).toBe("claimable");
  });
});

describe("shared destinations at claim", () => {
  it("holds the payout of a second recipient claiming to the same PayPal account, naming the first, stored only as a keyed fingerprint", async () => {
    const scope = await organisation();
    const first = await pay(scope, "Maya Chen", "US");
    const second = await pay(scope, "Lukas Weber", "DE");
    await preparePayouts(db, scope, [first, second]);
    const recipientOf = async (id: string) =>
      (await getPayout(db, scope, id))?.recipientId as string;
    const details = { account: "shared@paypal.example", accountType: "email" };

    const a = await screenDestination(db, scope, {
      payoutId: first,
      recipientId: await recipientOf(first),
      method: "paypal",
      details,
    });
    expect(a.held).toBe(false);
    const b = await screenDestination(db, scope, {
      payoutId: second,
      recipientId: await recipientOf(second),
      method: "paypal",
      details: { ...details, account: "Shared@PayPal.example" },
    });
    expect(b.held).toBe(true);
    expect(await statusOf(scope, second)).toBe("awaiting_review");
    const [item] = (await reviewQueue(db, scope)).data;
    expect(item?.reasonCodes).toEqual(["shared_destination"]);
    expect(item?.findings[0]).toMatchObject({
      rule: "shared_destination",
      destination: "the same wallet email",
      otherRecipients: [{ name: "Maya Chen", email: "maya.chen@example.com" }],
    });
    const stored = await db.select().from(destinationFingerprints);
    expect(JSON.stringify(stored)).not.toMatch(/shared@paypal/i);
    expect(stored.every((r) => /^[0-9a-f]{64}$/.test(r.fingerprint))).toBe(true);

    // Approved: the destination is cleared for this recipient; claiming again passes.
    await clearHeldPayout(db, reviewer(scope), { payoutId: second });
    const again = await screenDestination(db, scope, {
      payoutId: second,
      recipientId: await recipientOf(second),
      method: "paypal",
      details,
    });
    expect(again.held).toBe(false);
    // Another organisation's recipient with the same account is not a match.
    const other = await organisation();
    const theirs = await pay(other, "Amani Otieno", "KE");
    await preparePayouts(db, other, [theirs]);
    const elsewhere = await screenDestination(db, other, {
      payoutId: theirs,
      recipientId: (await getPayout(db, other, theirs))?.recipientId as string,
      method: "paypal",
      details,
    });
    expect(elsewhere.held).toBe(false);
  });
});
