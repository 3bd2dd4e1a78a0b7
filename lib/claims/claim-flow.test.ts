import { and, desc, eq } from "drizzle-orm";
import { beforeAll, describe, expect, it } from "vitest";
import { db } from "@/db/client";
import { claimLinks, emails, events, payouts } from "@/db/schema";
import { openEmail } from "@/lib/mail";
import { insertClaimablePayout } from "@/tests/fixtures/claims";
import { emailClaimCode } from "./claim-emails";
import {
  claimMethods,
  claimProgress,
  confirmClaim,
  openClaim,
  sendClaimCode,
  verifyClaimCode,
} from "./claim-flow";
import { issueClaimLink, revokeClaimLinks } from "./links";
import { sendPayoutReceipt } from "./receipt";

beforeAll(() => {
  process.env.AUTH_SECRET ??= "test-secret-for-claim-codes-000000000000";
  // Mail stays readable (sealed) only for the dev mailbox.
  process.env.DEV_MAILBOX ??= "1";
});

const ip = "203.0.113.10";

/** Sends a code through the real mailer (dev mailbox rows) and reads it back like the recipient would. */
async function codeFromMailbox(token: string, locale: "en" | "es" | "hi" = "en") {
  const sent = await sendClaimCode(db, { token, ip, locale, deliver: emailClaimCode });
  expect(sent.status).toBe("sent");
  const [row] = await db.select().from(emails).orderBy(desc(emails.createdAt)).limit(1);
  const content = openEmail(row);
  const code = content?.text.match(/\b(\d{6})\b/)?.[1];
  if (!row || !content || !code) throw new Error("no code email");
  return { code, mail: { ...row, ...content } };
}

async function verified(overrides: Parameters<typeof insertClaimablePayout>[1] = {}) {
  const claim = await insertClaimablePayout(db, overrides);
  const { code } = await codeFromMailbox(claim.token);
  const outcome = await verifyClaimCode(db, { token: claim.token, code, ip, locale: "en" });
  if (outcome.status !== "verified") throw new Error(`not verified: ${outcome.status}`);
  return { ...claim, sessionToken: outcome.sessionToken };
}

describe("opening a claim link", () => {
  it("asks an unverified visitor to verify, and a verified one to choose", async () => {
    const claim = await verified();
    expect(await openClaim(db, { token: claim.token })).toMatchObject({
      kind: "open",
      stage: "verify",
    });
    expect(
      await openClaim(db, { token: claim.token, sessionToken: claim.sessionToken }),
    ).toMatchObject({
      kind: "open",
      stage: "choose",
    });
  });

  it("names nobody for an unknown or malformed token", async () => {
    for (const token of ["x".repeat(43), "not-a-token"]) {
      expect(await openClaim(db, { token })).toEqual({ kind: "invalid" });
    }
  });

  // Issue 19: a dead link is a dead end no more. A token is 32 random bytes, so whoever
  // holds an expired or replaced one was sent it: the page names the payer and offers a
  // new link (it used to look exactly like an unknown token).
  it("names the payer of an expired or replaced link, and offers a new one", async () => {
    const expired = await insertClaimablePayout(db);
    await db
      .update(claimLinks)
      .set({ expiresAt: new Date(Date.now() - 1000) })
      .where(eq(claimLinks.id, expired.claimLinkId));
    expect(await openClaim(db, { token: expired.token })).toMatchObject({
      kind: "expired",
      why: "expired",
      settled: false,
      asked: false,
      branding: { name: "Acme Test Co", supportEmail: "help@acme.test" },
      recipientEmail: "ada@example.com",
    });
    const replaced = await insertClaimablePayout(db);
    const newer = await issueClaimLink(db, {
      payoutId: replaced.payoutId,
      expiresAt: new Date(Date.now() + 86_400_000),
    });
    expect(await openClaim(db, { token: replaced.token })).toMatchObject({
      kind: "expired",
      why: "replaced",
    });
    expect(await openClaim(db, { token: newer.token })).toMatchObject({ kind: "open" });
  });

  it("says a canceled payout was canceled, with the organisation's branding", async () => {
    const claim = await insertClaimablePayout(db);
    // What a cancel leaves behind (the fixture has no ledger reserve to release).
    await db.update(payouts).set({ status: "canceled" }).where(eq(payouts.id, claim.payoutId));
    await revokeClaimLinks(db, claim.payoutId);
    expect(await openClaim(db, { token: claim.token })).toMatchObject({
      kind: "canceled",
      branding: { name: "Acme Test Co", supportEmail: "help@acme.test" },
    });
  });

  it("tells a visitor without a session that the payout is already claimed", async () => {
    const claim = await verified();
    expect(
      await confirmClaim(db, {
        token: claim.token,
        sessionToken: claim.sessionToken,
        method: "paypal",
        details: { account: "ada@example.com" },
      }),
    ).toEqual({ status: "claimed" });
    expect(await openClaim(db, { token: claim.token })).toMatchObject({
      stage: "claimed_elsewhere",
    });
    expect(
      await openClaim(db, { token: claim.token, sessionToken: claim.sessionToken }),
    ).toMatchObject({
      stage: "status",
    });
  });
});

describe("the code email", () => {
  it("goes to the recipient on file, in the page's language, signed by the organisation", async () => {
    const claim = await insertClaimablePayout(db, { email: "amani@example.com" });
    const { mail, code } = await codeFromMailbox(claim.token, "es");
    expect(mail).toMatchObject({
      to: "amani@example.com",
      kind: "claim_code",
      subjectRef: claim.payoutId,
    });
    expect(mail.subject).toBe(`${code} es tu código para el pago de Acme Test Co`);
    expect(mail.html).toContain('lang="es"');
  });
});

describe("choosing a method", () => {
  it("offers the catalog's methods for the recipient's country, and none to a sanctioned one", async () => {
    const kenya = await insertClaimablePayout(db, {
      country: "KE",
      currency: "USD",
      amount: 1500n,
    });
    const view = await openClaim(db, { token: kenya.token });
    if (view.kind !== "open") throw new Error("expected an open claim");
    expect(claimMethods(view.claim).eligible.map((m) => m.id)).toContain("mpesa");

    const iran = await insertClaimablePayout(db, { country: "IR" });
    const sanctioned = await openClaim(db, { token: iran.token });
    if (sanctioned.kind !== "open") throw new Error("expected an open claim");
    expect(claimMethods(sanctioned.claim)).toMatchObject({ sanctioned: true, eligible: [] });
  });

  it("claims the payout with parsed details and records payout.claimed", async () => {
    const claim = await verified({ country: "DE", currency: "EUR", amount: 4000n });
    const outcome = await confirmClaim(db, {
      token: claim.token,
      sessionToken: claim.sessionToken,
      method: "sepa",
      details: { accountHolderName: "Lukas Weber", iban: "de89 3704 0044 0532 0130 00" },
    });
    expect(outcome).toEqual({ status: "claimed" });
    const [payout] = await db.select().from(payouts).where(eq(payouts.id, claim.payoutId));
    expect(payout).toMatchObject({
      status: "claimed",
      method: "sepa",
      methodDetails: { accountHolderName: "Lukas Weber", iban: "DE89370400440532013000" },
    });
    const claimed = await db
      .select()
      .from(events)
      .where(
        and(eq(events.organisationId, claim.organisationId), eq(events.type, "payout.claimed")),
      );
    expect(claimed).toHaveLength(1);
    expect(
      await claimProgress(db, { token: claim.token, sessionToken: claim.sessionToken }),
    ).toMatchObject({
      status: "claimed",
      method: "sepa",
    });
  });

  it("refuses bad details with the schema's message keys and changes nothing", async () => {
    const claim = await verified({ country: "KE" });
    const outcome = await confirmClaim(db, {
      token: claim.token,
      sessionToken: claim.sessionToken,
      method: "mpesa",
      details: { phone: "12" },
    });
    expect(outcome).toEqual({
      status: "invalid_details",
      fieldErrors: [{ path: "phone", message: "errors.mpesa_phone_invalid" }],
    });
    const [payout] = await db.select().from(payouts).where(eq(payouts.id, claim.payoutId));
    expect(payout?.status).toBe("claimable");
  });

  it("refuses a method the recipient's country does not have", async () => {
    const claim = await verified({ country: "US" });
    expect(
      await confirmClaim(db, {
        token: claim.token,
        sessionToken: claim.sessionToken,
        method: "mpesa",
        details: { phone: "0712345678" },
      }),
    ).toEqual({ status: "method_unavailable" });
  });

  it("refuses without a session for this very link", async () => {
    const mine = await verified();
    const other = await verified();
    const details = { account: "ada@example.com" };
    expect(await confirmClaim(db, { token: mine.token, method: "paypal", details })).toEqual({
      status: "session_ended",
    });
    expect(
      await confirmClaim(db, {
        token: mine.token,
        sessionToken: other.sessionToken,
        method: "paypal",
        details,
      }),
    ).toEqual({ status: "session_ended" });
    expect(
      await claimProgress(db, { token: mine.token, sessionToken: other.sessionToken }),
    ).toBeNull();
  });

  it("claims once when two confirmations race", async () => {
    const claim = await verified();
    const confirm = () =>
      confirmClaim(db, {
        token: claim.token,
        sessionToken: claim.sessionToken,
        method: "paypal",
        details: { account: "ada@example.com" },
      });
    const outcomes = await Promise.all([confirm(), confirm(), confirm()]);
    expect(outcomes.filter((o) => o.status === "claimed")).toHaveLength(1);
    expect(outcomes.filter((o) => o.status === "not_claimable")).toHaveLength(2);
  });

  it("lets the recipient choose again after a failure", async () => {
    const claim = await verified();
    await db
      .update(payouts)
      .set({ status: "failed", method: "paypal", failureReason: "closed" })
      .where(eq(payouts.id, claim.payoutId));
    expect(
      await openClaim(db, { token: claim.token, sessionToken: claim.sessionToken }),
    ).toMatchObject({
      stage: "choose",
    });
    expect(
      await confirmClaim(db, {
        token: claim.token,
        sessionToken: claim.sessionToken,
        method: "gift_card",
        details: { brand: "amazon_us" },
      }),
    ).toEqual({ status: "claimed" });
    const [payout] = await db.select().from(payouts).where(eq(payouts.id, claim.payoutId));
    expect(payout).toMatchObject({ status: "claimed", method: "gift_card", failureReason: null });
  });
});

describe("the receipt", () => {
  it("is emailed once per paid attempt, in the language the recipient claimed in", async () => {
    const claim = await insertClaimablePayout(db, {
      country: "DE",
      currency: "EUR",
      amount: 4000n,
      email: "lukas@example.com",
    });
    const { code } = await codeFromMailbox(claim.token, "es");
    const verifiedOutcome = await verifyClaimCode(db, {
      token: claim.token,
      code,
      ip,
      locale: "es",
    });
    if (verifiedOutcome.status !== "verified") throw new Error("not verified");
    const scope = { organisationId: claim.organisationId, mode: "test" as const };
    expect(await sendPayoutReceipt(db, scope, claim.payoutId)).toBe("not_paid");

    await db
      .update(payouts)
      .set({ status: "paid", method: "sepa", paidAt: new Date("2026-11-24T09:00:00Z"), attempt: 1 })
      .where(eq(payouts.id, claim.payoutId));
    expect(await sendPayoutReceipt(db, scope, claim.payoutId)).toBe("stored");
    expect(await sendPayoutReceipt(db, scope, claim.payoutId)).toBe("duplicate");
    const receipts = await db
      .select()
      .from(emails)
      .where(and(eq(emails.kind, "receipt"), eq(emails.subjectRef, claim.payoutId)));
    expect(receipts).toHaveLength(1);
    expect(receipts[0]?.to).toBe("lukas@example.com");
    expect(receipts[0]?.subject).toMatch(/^Recibo: 40,00\s€ de Acme Test Co$/);
    expect(openEmail(receipts[0])?.text).toContain("Transferencia bancaria (SEPA)");
    expect(openEmail(receipts[0])?.text).toContain(claim.payoutId);
  });

  it("is never sent for another organisation's payout", async () => {
    const claim = await insertClaimablePayout(db);
    await db
      .update(payouts)
      .set({ status: "paid", paidAt: new Date() })
      .where(eq(payouts.id, claim.payoutId));
    const other = await insertClaimablePayout(db);
    expect(
      await sendPayoutReceipt(
        db,
        { organisationId: other.organisationId, mode: "test" },
        claim.payoutId,
      ),
    ).toBe("not_paid");
  });
});
