import { InngestTestEngine } from "@inngest/test";
import { and, eq } from "drizzle-orm";
import { beforeAll, describe, expect, it } from "vitest";
import { db } from "@/db/client";
import { claimActivity, claimLinks, emails, events, payouts } from "@/db/schema";
import { notifyPayoutExpired } from "@/inngest/functions/notify-payout-expired";
import { openEmail } from "@/lib/mail";
import type { PayoutRow } from "@/lib/payouts/machine";
import { getPayout } from "@/lib/payouts/queries";
import { serializePayout } from "@/lib/payouts/serialize";
import { getPayoutDetail } from "@/lib/read-models/payout-detail";
import { timelineWords } from "@/lib/read-models/timeline-words";
import { insertClaimablePayout } from "@/tests/fixtures/claims";
import { eventOf } from "@/tests/functions/harness";
import { listClaimActivity } from "./claim-activity";
import { openClaim, sendClaimCode, verifyClaimCode } from "./claim-flow";
import { sendPayoutExpiredNotices } from "./expiry-notice";
import {
  askOrganisation,
  helpRequestLimit,
  otherMethods,
  sendHelpRequestNotice,
} from "./help-requests";
import { issueClaimLink, revokeClaimLinks } from "./links";

beforeAll(() => {
  process.env.AUTH_SECRET ??= "test-secret-for-claim-codes-000000000000";
  process.env.DEV_MAILBOX ??= "1";
});

const ip = "203.0.113.40";

async function expiredClaim() {
  const claim = await insertClaimablePayout(db, { email: `late.${Math.random()}@example.com` });
  await db
    .update(claimLinks)
    .set({ expiresAt: new Date(Date.now() - 60_000) })
    .where(eq(claimLinks.id, claim.claimLinkId));
  return claim;
}

async function mailsAbout(payoutId: string, kind: string) {
  const rows = await db
    .select()
    .from(emails)
    .where(and(eq(emails.subjectRef, payoutId), eq(emails.kind, kind)));
  return rows.map((row) => ({ ...row, ...openEmail(row) }));
}

describe("asking for a new link from a dead one", () => {
  it("files one request, one event and one email to the payer's support address, however often asked", async () => {
    const claim = await expiredClaim();
    expect(await askOrganisation(db, { token: claim.token, request: "new_link", ip })).toEqual({
      status: "asked",
    });
    expect(await askOrganisation(db, { token: claim.token, request: "new_link", ip })).toEqual({
      status: "already_asked",
    });
    expect(await openClaim(db, { token: claim.token })).toMatchObject({
      kind: "expired",
      asked: true,
    });

    const filed = await db
      .select()
      .from(events)
      .where(
        and(
          eq(events.organisationId, claim.organisationId),
          eq(events.type, "recipient.help_requested"),
        ),
      );
    expect(filed).toHaveLength(1);
    expect(filed[0]?.data).toMatchObject({
      payout_id: claim.payoutId,
      recipient_id: claim.recipientId,
      request: "new_link",
      reason: "link_expired",
    });
    const data = filed[0]?.data as { request_id: string; reason: "link_expired" };

    const scope = { organisationId: claim.organisationId, mode: "test" as const };
    const event = { payout_id: claim.payoutId, request: "new_link" as const, ...data };
    expect(await sendHelpRequestNotice(db, scope, event)).toEqual({ notified: 1 });
    // The background step retried: still one email.
    await sendHelpRequestNotice(db, scope, event);
    const mails = await mailsAbout(claim.payoutId, "help_requested");
    expect(mails).toHaveLength(1);
    expect(mails[0]?.to).toBe("help@acme.test");
    expect(mails[0]?.text).toContain("their claim link expired before they claimed it");
    expect(mails[0]?.text).toContain(`/dashboard/payouts/${claim.payoutId}`);
  });

  it("offers nothing to ask for on a link that still opens its claim", async () => {
    const claim = await insertClaimablePayout(db);
    expect(await askOrganisation(db, { token: claim.token, request: "new_link", ip })).toEqual({
      status: "not_available",
    });
  });

  it("lets a locked link's holder ask, and files every wrong code and the lock for the timeline", async () => {
    const claim = await insertClaimablePayout(db);
    for (let i = 0; i < 5; i++) {
      await verifyClaimCode(db, { token: claim.token, code: "000000", ip, locale: "en" });
    }
    expect(await openClaim(db, { token: claim.token })).toMatchObject({
      stage: "locked",
      asked: false,
    });
    const scope = { organisationId: claim.organisationId, mode: "test" as const };
    const kinds = (await listClaimActivity(db, scope, claim.payoutId)).map((a) => a.kind);
    expect(kinds).toEqual([...Array(5).fill("wrong_code"), "locked"]);

    expect(await askOrganisation(db, { token: claim.token, request: "new_link", ip })).toEqual({
      status: "asked",
    });
    const [event] = await db
      .select()
      .from(events)
      .where(
        and(
          eq(events.organisationId, claim.organisationId),
          eq(events.type, "recipient.help_requested"),
        ),
      );
    expect(event?.data).toMatchObject({ reason: "link_locked" });
    // The payout's dashboard page says the link is locked, with each attempt on the timeline.
    const detail = await getPayoutDetail(db, scope, claim.payoutId);
    expect(detail?.liveLink).toMatchObject({ locked: true, wrongCodes: 5 });
    const sentences = (detail?.timeline ?? []).map((e) => timelineWords(e, "USD").text);
    expect(
      sentences.filter((s) => s === "A wrong code was entered on the claim page."),
    ).toHaveLength(5);
    expect(sentences).toContain(
      "The claim link locked after too many wrong codes; reissue the link to send the recipient a new one.",
    );
    expect(sentences).toContain("The recipient asked for a new claim link from their claim page.");
    // A new link starts afresh.
    const fresh = await issueClaimLink(db, {
      payoutId: claim.payoutId,
      expiresAt: new Date(Date.now() + 86_400_000),
    });
    expect(await openClaim(db, { token: fresh.token })).toMatchObject({ stage: "verify" });
    // Another organisation's scope sees none of it.
    expect(
      await listClaimActivity(db, { organisationId: "org_other", mode: "test" }, claim.payoutId),
    ).toEqual([]);
  });

  it("limits requests per network, and says when to try again", async () => {
    const shared = "198.51.100.200";
    for (let i = 0; i < helpRequestLimit.limit; i++) {
      const claim = await expiredClaim();
      expect(
        (await askOrganisation(db, { token: claim.token, request: "new_link", ip: shared })).status,
      ).toBe("asked");
    }
    const claim = await expiredClaim();
    const refused = await askOrganisation(db, {
      token: claim.token,
      request: "new_link",
      ip: shared,
    });
    expect(refused).toMatchObject({ status: "rate_limited" });
    // Nothing was filed for the refused request.
    expect(
      await db.select().from(claimActivity).where(eq(claimActivity.claimLinkId, claim.claimLinkId)),
    ).toEqual([]);
  });
});

describe("a payout that expired unclaimed", () => {
  it("emails its recipient once, in their language, with the link that asks for a new one", async () => {
    const claim = await insertClaimablePayout(db, {
      email: `expiry.${Math.random()}@example.com`,
      country: "CA",
      locale: "fr-CA",
      amount: 123456n,
      currency: "CAD",
    });
    const scope = { organisationId: claim.organisationId, mode: "test" as const };
    expect(await sendPayoutExpiredNotices(db, scope, [claim.payoutId])).toMatchObject({
      notNeeded: 1,
    });
    // What the machine's `expire` leaves behind (the fixture has no ledger reserve to release).
    await db.update(payouts).set({ status: "expired" }).where(eq(payouts.id, claim.payoutId));
    await revokeClaimLinks(db, claim.payoutId);

    expect(await sendPayoutExpiredNotices(db, scope, [claim.payoutId])).toMatchObject({
      notNeeded: 0,
    });
    expect(await sendPayoutExpiredNotices(db, scope, [claim.payoutId])).toMatchObject({
      duplicate: 1,
    });
    const mails = await mailsAbout(claim.payoutId, "payout_expired");
    expect(mails).toHaveLength(1);
    const mail = mails[0];
    // fr-CA writes "1 234,56 $" (narrow and plain no-break spaces).
    expect(mail?.subject).toBe("Votre paiement de 1\u00a0234,56\u00a0$ de Acme Test Co a expiré");
    expect(mail?.html).toContain('lang="fr"');
    expect(mail?.text).toContain(`/c/${claim.token}`);
    expect(await openClaim(db, { token: claim.token })).toMatchObject({
      kind: "expired",
      why: "expired",
    });
  });
});

describe("the only method a country offers failed", () => {
  it("lets the verified recipient ask the payer for another way, once", async () => {
    const claim = await insertClaimablePayout(db, { country: "KE", currency: "KES" });
    let code = "";
    await sendClaimCode(db, {
      token: claim.token,
      ip,
      locale: "en",
      deliver: async (mail) => {
        code = mail.code;
      },
    });
    const verified = await verifyClaimCode(db, { token: claim.token, code, ip, locale: "en" });
    if (verified.status !== "verified") throw new Error(verified.status);
    // What a failed M-Pesa payment leaves behind (the fixture has no ledger to move).
    await db
      .update(payouts)
      .set({ status: "failed", method: "mpesa", failureReason: "account_closed" })
      .where(eq(payouts.id, claim.payoutId));
    const view = await openClaim(db, { token: claim.token, sessionToken: verified.sessionToken });
    if (view.kind !== "open") throw new Error(view.kind);
    expect(otherMethods(view.claim)).toBe(0);

    // Not without the recipient's session.
    expect(await askOrganisation(db, { token: claim.token, request: "other_way", ip })).toEqual({
      status: "not_available",
    });
    const ask = () =>
      askOrganisation(db, {
        token: claim.token,
        request: "other_way",
        ip,
        sessionToken: verified.sessionToken,
      });
    expect(await ask()).toEqual({ status: "asked" });
    expect(await ask()).toEqual({ status: "already_asked" });
    const filed = await db
      .select()
      .from(events)
      .where(
        and(
          eq(events.organisationId, claim.organisationId),
          eq(events.type, "recipient.help_requested"),
        ),
      );
    expect(filed.map((e) => e.data)).toMatchObject([
      { request: "other_way", reason: "method_failed" },
    ]);
  });

  it("tells each recipient of a batch once, each event read in its own organisation and mode", async () => {
    const expiredPayouts = [];
    for (const n of [1, 2]) {
      const claim = await insertClaimablePayout(db, {
        email: `batch.${n}.${Math.random()}@x.test`,
      });
      await db.update(payouts).set({ status: "expired" }).where(eq(payouts.id, claim.payoutId));
      const scope = { organisationId: claim.organisationId, mode: "test" as const };
      expiredPayouts.push({
        ...claim,
        row: (await getPayout(db, scope, claim.payoutId)) as PayoutRow,
      });
    }
    const [first, second] = expiredPayouts as [
      (typeof expiredPayouts)[0],
      (typeof expiredPayouts)[0],
    ];
    const expired = (organisationId: string, mode: string, payout: typeof first) =>
      eventOf("payout.expired", {
        organisation_id: organisationId,
        mode,
        object: serializePayout(payout.row),
        previous_status: "claimable",
        reason: "link_expired",
      });
    const { result } = await new InngestTestEngine({
      function: notifyPayoutExpired,
      events: [
        expired(first.organisationId, "test", first),
        expired(second.organisationId, "test", second),
        // The same payout named under live mode, or under another organisation: not theirs.
        expired(first.organisationId, "live", first),
        expired(second.organisationId, "test", first),
      ] as never,
    }).execute();
    expect(result).toEqual({ notices: 2 });
    expect(await mailsAbout(first.payoutId, "payout_expired")).toHaveLength(1);
    expect(await mailsAbout(second.payoutId, "payout_expired")).toHaveLength(1);
  });
});
