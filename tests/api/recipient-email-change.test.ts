import { and, eq, like } from "drizzle-orm";
import { beforeAll, describe, expect, it } from "vitest";
import { GET as getPayout } from "@/app/api/v1/payouts/[id]/route";
import { PATCH as updateRecipient } from "@/app/api/v1/recipients/[id]/route";
import { db } from "@/db/client";
import { auditLog, emails } from "@/db/schema";
import { resolveClaimToken } from "@/lib/claims/links";
import { openEmail } from "@/lib/mail";
import { call } from "@/tests/fixtures/api-requests";
import { createTestOrganisation, type TestOrganisation } from "@/tests/fixtures/organisations";
import { claimablePayout, eventually, fundByApi, writeCounts } from "@/tests/fixtures/payout-api";

process.env.AUTH_SECRET ??= "integrator-email-change-secret-0123456789ab";
process.env.DEV_MAILBOX ??= "1";

let acme: TestOrganisation;
let rival: TestOrganisation;

beforeAll(async () => {
  acme = await createTestOrganisation(db, "Acme");
  rival = await createTestOrganisation(db, "Rival");
  await fundByApi(acme.testKey, 1_000_000);
  await fundByApi(rival.testKey, 1_000_000);
});

const read = async (id: string) =>
  (await call(getPayout, "GET", `/payouts/${id}`, { key: acme.testKey, params: { id } })).body;
const tokenOf = (url: string) => url.slice(url.lastIndexOf("/") + 1);
const patch = (org: TestOrganisation, id: string, body: unknown) =>
  call(updateRecipient, "PATCH", `/recipients/${id}`, { key: org.testKey, params: { id }, body });

describe("PATCH /v1/recipients/{id} with a new email", () => {
  it("reissues each claimable payout's link to the new address, tells the old one, and audits it", async () => {
    const first = await claimablePayout(db, acme, {
      recipient: { email: "old@example.com", country: "US", external_id: "ec-1" },
      amount: 1_500,
    });
    const second = await claimablePayout(db, acme, {
      recipient: { email: "old@example.com", country: "US", external_id: "ec-1" },
      amount: 2_500,
    });
    const silent = await claimablePayout(db, acme, {
      recipient: { email: "old@example.com", country: "US", external_id: "ec-1" },
      amount: 3_500,
      notify: "none",
    });
    const before = await read(first.id);

    const res = await patch(acme, first.recipient_id, { email: "new@example.com" });
    expect(res.status).toBe(200);
    expect(res.body.email).toBe("new@example.com");

    const after = await read(first.id);
    expect(after.claim_url).not.toBe(before.claim_url);
    expect(await resolveClaimToken(db, tokenOf(before.claim_url))).toBeNull();
    for (const id of [first.id, second.id, silent.id]) {
      const payout = await read(id);
      expect(payout.status).toBe("claimable");
      const invites = await eventually(
        () =>
          db
            .select()
            .from(emails)
            .where(and(eq(emails.subjectRef, id), eq(emails.to, "new@example.com"))),
        (rows) => id === silent.id || rows.length === 1,
      );
      // The platform delivers the silent payout's link; the others go to the new address.
      expect(invites.map((m) => openEmail(m)?.text.includes(payout.claim_url))).toEqual(
        id === silent.id ? [] : [true],
      );
    }
    const notices = await db
      .select()
      .from(emails)
      .where(and(eq(emails.to, "old@example.com"), eq(emails.kind, "email_changed")));
    expect(notices.map((n) => n.subjectRef).sort()).toEqual(
      [first.id, second.id, silent.id].sort(),
    );
    for (const notice of notices) {
      expect(openEmail(notice)?.text).not.toContain("new@example.com");
      expect(openEmail(notice)?.text).not.toContain("/c/");
    }
    const [audit] = await db
      .select()
      .from(auditLog)
      .where(
        and(
          eq(auditLog.targetId, first.recipient_id),
          eq(auditLog.action, "recipient.change_email"),
        ),
      );
    expect(audit).toMatchObject({
      actorId: `api:${acme.testKeyId}`,
      before: { email: "old@example.com" },
      after: { email: "new@example.com" },
    });
    expect(((audit?.after ?? {}) as { linksReissued?: string[] }).linksReissued?.sort()).toEqual(
      [first.id, second.id, silent.id].sort(),
    );
  });

  it("moves nothing for a change of letter case or of the name alone", async () => {
    const payout = await claimablePayout(db, acme, {
      recipient: { email: "case@example.com", country: "US" },
    });
    const link = (await read(payout.id)).claim_url;
    const before = await writeCounts(db, acme.organisation.id);
    expect((await patch(acme, payout.recipient_id, { email: "Case@Example.com" })).status).toBe(
      200,
    );
    expect((await patch(acme, payout.recipient_id, { name: "Casey" })).status).toBe(200);
    expect((await read(payout.id)).claim_url).toBe(link);
    const after = await writeCounts(db, acme.organisation.id);
    expect({ ...after, audits: before.audits }).toEqual(before);
    const notices = await db
      .select()
      .from(emails)
      .where(and(like(emails.to, "case@%"), eq(emails.kind, "email_changed")));
    expect(notices).toEqual([]);
  });

  it("answers another organisation's recipient with 404 and changes nothing there", async () => {
    const theirs = await claimablePayout(db, rival, {
      recipient: { email: "theirs@example.com", country: "US" },
    });
    const before = await writeCounts(db, rival.organisation.id);
    const res = await patch(acme, theirs.recipient_id, { email: "stolen@example.com" });
    expect(res.status).toBe(404);
    expect(await writeCounts(db, rival.organisation.id)).toEqual(before);
  });
});
