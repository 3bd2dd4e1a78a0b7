import { eq } from "drizzle-orm";
import { describe, expect, it } from "vitest";
import { POST as createBatchRoute } from "@/app/api/v1/batches/route";
import { POST as createPayoutRoute } from "@/app/api/v1/payouts/route";
import { db } from "@/db/client";
import { auditLog, organisationKyb, organisations } from "@/db/schema";
import { createApiKey } from "@/lib/api-keys/keys";
import { createApiKeyAsMember } from "@/lib/api-keys/member-actions";
import { createBatchAsMember, parseBatchSettings } from "@/lib/batches/create-as-member";
import { loadFixtureList } from "@/lib/compliance/fixture-list";
import { decideKyb, kybOf, markTestOnly, requireLiveAccess, submitKyb } from "@/lib/compliance/kyb";
import { isAppError } from "@/lib/errors";
import { newId } from "@/lib/ids";
import { organisationWithOwner, ownerContext } from "@/tests/dashboard/fixtures";
import { call } from "@/tests/fixtures/api-requests";
import { createTestOrganisation } from "@/tests/fixtures/organisations";

// Read when the gate first asks; no import reads the configuration at load.
process.env.OPERATOR_EMAILS = "ops@disburse.test, second-ops@disburse.test";

const operator = { id: "usr_ops", email: "ops@disburse.test" };

const submission = {
  legalName: "Acme Creators Ltd",
  registrationNumber: "12345678",
  registrationCountry: "GB",
  address: "1 Market Street, London",
  website: "https://acme.example",
  owners: [
    { name: "Ada Lovelace", country: "GB", ownership: 60 },
    { name: "Ivan Ostrov", country: "DE", ownership: 40 },
  ],
};

async function liveMember() {
  const { org, owner } = await organisationWithOwner(db, "Gatekeepers Ltd");
  const member = await ownerContext(db, owner.id, org.id);
  return {
    org,
    member: { ...member, mode: "live" as const, scope: { ...member.scope, mode: "live" as const } },
  };
}

describe("KYB gates live mode", () => {
  it("refuses live keys and live campaigns with the reason until operators approve, then allows them", async () => {
    const { org, member } = await liveMember();

    const key = await createApiKeyAsMember(db, member, { name: "server" }).catch((e) => e);
    expect(isAppError(key, "live_mode_unavailable")).toBe(true);
    expect(key.message).toBe(
      "Creating a live API key needs live mode, and live mode needs an approved business verification: your organisation has not submitted its business verification (KYB) yet.",
    );
    const campaign = await createBatchAsMember(
      db,
      member,
      parseBatchSettings({ name: "Live", currency: "USD" }),
      [{ recipient: { email: "a@example.com", country: "US" }, amount: 100n }],
    ).catch((e) => e);
    expect(isAppError(campaign, "live_mode_unavailable")).toBe(true);
    // Test mode is never gated.
    await expect(
      createApiKey(db, { organisationId: org.id, mode: "test", name: "t" }),
    ).resolves.toBeTruthy();

    await loadFixtureList(db, "test");
    const submitted = await submitKyb(db, member, submission);
    expect(submitted.status).toBe("submitted");
    // Owners are screened too: the second owner resembles a (fictional) listed person.
    expect(submitted.screening).toEqual(
      expect.arrayContaining([
        expect.objectContaining({
          role: "beneficial owner",
          name: "Ivan Ostrov",
          findings: [expect.objectContaining({ code: "sanctions_list_match", outcome: "review" })],
        }),
      ]),
    );
    const waiting = await requireLiveAccess(db, org.id, "Switching to live mode").catch((e) => e);
    expect(waiting.message).toMatch(/waiting for a decision/);

    const notOperator = await decideKyb(
      db,
      { id: member.user.id, email: member.user.email },
      {
        organisationId: org.id,
        decision: "approved",
      },
    ).catch((e) => e);
    expect(isAppError(notOperator, "forbidden")).toBe(true);

    await decideKyb(db, operator, {
      organisationId: org.id,
      decision: "approved",
      note: "Checked",
    });
    await expect(requireLiveAccess(db, org.id, "Switching to live mode")).resolves.toBeUndefined();
    await expect(createApiKeyAsMember(db, member, { name: "server" })).resolves.toMatchObject({
      secret: expect.stringMatching(/^sk_live_/),
    });
    const audit = await db
      .select({ action: auditLog.action, after: auditLog.after })
      .from(auditLog)
      .where(eq(auditLog.organisationId, org.id));
    expect(audit.map((a) => a.action)).toEqual(
      expect.arrayContaining(["kyb.submit", "kyb.approve"]),
    );
    expect(JSON.stringify(audit)).not.toContain("12345678");
  });

  it("refuses live payouts and batches through the API once KYB is no longer approved", async () => {
    const org = await createTestOrganisation(db);
    await db
      .update(organisationKyb)
      .set({ status: "rejected" })
      .where(eq(organisationKyb.organisationId, org.organisation.id));
    const payout = await call(createPayoutRoute, "POST", "/payouts", {
      key: org.liveKey,
      idempotencyKey: "live-1",
      body: { recipient: { email: "a@example.com", country: "US" }, amount: 100, currency: "USD" },
    });
    expect(payout.status).toBe(403);
    expect(payout.body).toMatchObject({ code: "live_mode_unavailable" });
    expect(payout.body.detail).toMatch(/rejected/);
    const batch = await call(createBatchRoute, "POST", "/batches", {
      key: org.liveKey,
      idempotencyKey: "live-2",
      body: {
        name: "Live",
        currency: "USD",
        items: [{ recipient: { email: "a@example.com", country: "US" }, amount: 100 }],
      },
    });
    expect(batch.status).toBe(403);
    expect(batch.body).toMatchObject({ code: "live_mode_unavailable" });
  });

  it("keeps the demo organisation test-only", async () => {
    const id = newId("organisation");
    await db.insert(organisations).values({ id, name: "Acme Creators", slug: `demo-${id}` });
    await markTestOnly(db, id);
    await db
      .update(organisationKyb)
      .set({ status: "submitted", submittedAt: new Date() })
      .where(eq(organisationKyb.organisationId, id));
    const approve = await decideKyb(db, operator, {
      organisationId: id,
      decision: "approved",
    }).catch((e) => e);
    expect(isAppError(approve, "conflict")).toBe(true);
    await db
      .update(organisationKyb)
      .set({ status: "approved" })
      .where(eq(organisationKyb.organisationId, id));
    const refused = await requireLiveAccess(db, id, "Switching to live mode").catch((e) => e);
    expect(refused.message).toMatch(/demo organisation is test-only/);
    expect((await kybOf(db, id))?.status).toBe("approved");
  });

  it("refuses a KYB submission with owners under 25 % or more than 100 % in all", async () => {
    const { member } = await liveMember();
    const under = await submitKyb(db, member, {
      ...submission,
      owners: [{ name: "Ada Lovelace", country: "GB", ownership: 10 }],
    }).catch((e) => e);
    expect(isAppError(under, "validation_failed")).toBe(true);
    const over = await submitKyb(db, member, {
      ...submission,
      owners: [
        { name: "Ada Lovelace", country: "GB", ownership: 60 },
        { name: "Grace Hopper", country: "US", ownership: 60 },
      ],
    }).catch((e) => e);
    expect(over.fieldErrors).toEqual([
      { path: "owners", message: "ownership adds up to more than 100 %" },
    ]);
  });
});
