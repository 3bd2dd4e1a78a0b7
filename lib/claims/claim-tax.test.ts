import { and, desc, eq } from "drizzle-orm";
import { describe, expect, it } from "vitest";
import { db } from "@/db/client";
import { emails, events, payouts, payoutTransitions, taxForms } from "@/db/schema";
import type { Scope } from "@/db/scope";
import { openEmail } from "@/lib/mail";
import { expireDuePayouts } from "@/lib/payouts/expire-payouts";
import { claimablePayout, pastPayout, setTestTaxKeys } from "@/tests/fixtures/tax";
import { balanceOf, insertOrganisation } from "@/tests/payouts/fixtures";
import { emailClaimCode } from "./claim-emails";
import { confirmClaim, openClaim, sendClaimCode, verifyClaimCode } from "./claim-flow";
import { submitClaimTaxForm } from "./claim-tax";
import { createClaimSession } from "./session";

// The code email is read back from the dev mailbox, which keeps mail sealed only when on.
process.env.DEV_MAILBOX ??= "1";
setTestTaxKeys();

const ip = "198.51.100.7";
let seq = 0;

const w9 = {
  name: "Maya Chen",
  entityType: "individual",
  tinType: "ssn",
  tin: "123-45-6789",
  addressLine1: "500 Market St",
  city: "San Francisco",
  state: "CA",
  postalCode: "94105",
  certify: true,
  signatureName: "maya chen",
};

const w8ben = {
  name: "Jonas Weber",
  citizenship: "DE",
  addressLine1: "Hauptstraße 5",
  city: "Berlin",
  postalCode: "10115",
  country: "DE",
  foreignTin: "12 345 678 901",
  dateOfBirth: "1988-02-29",
  claimTreaty: false,
  certify: true,
  signatureName: "Jonas Weber",
};

/** A payout on its claim link, with a verified session (or a real code check when asked). */
async function claimFor(
  country: string,
  amount: bigint,
  options: { currency?: string; scope?: Scope; email?: string } = {},
) {
  const scope = options.scope ?? (await insertOrganisation(db)).scope;
  const email = options.email ?? `payee${++seq}@example.com`;
  const { payout, token, linkId } = await claimablePayout(
    db,
    scope,
    { email, country, name: "Maya Chen" },
    amount,
    options.currency,
  );
  const session = async () =>
    (
      await createClaimSession(db, {
        ...scope,
        claimLinkId: linkId,
        payoutId: payout.id,
      })
    ).token;
  return { scope, email, payout, token, session };
}

async function statusOf(payoutId: string) {
  const [row] = await db
    .select({ status: payouts.status })
    .from(payouts)
    .where(eq(payouts.id, payoutId));
  return row?.status;
}

describe("the claim's tax step", () => {
  it("holds a payout that reaches the threshold when its recipient verifies, and asks for a W-9 first", async () => {
    const claim = await claimFor("US", 200_000n);
    const sent = await sendClaimCode(db, {
      token: claim.token,
      ip,
      locale: "en",
      deliver: emailClaimCode,
    });
    expect(sent.status).toBe("sent");
    const [mail] = await db
      .select()
      .from(emails)
      .where(eq(emails.kind, "claim_code"))
      .orderBy(desc(emails.createdAt))
      .limit(1);
    const code = openEmail(mail)?.text.match(/\b(\d{6})\b/)?.[1] ?? "";
    const verified = await verifyClaimCode(db, { token: claim.token, code, ip, locale: "en" });
    expect(verified).toMatchObject({ status: "verified", next: "tax" });
    expect(await statusOf(claim.payout.id)).toBe("awaiting_tax_info");
    if (verified.status !== "verified") return;
    expect(
      await openClaim(db, { token: claim.token, sessionToken: verified.sessionToken }),
    ).toMatchObject({
      stage: "tax",
    });
    // Without a session the visitor still verifies first.
    expect(await openClaim(db, { token: claim.token })).toMatchObject({ stage: "verify" });
    const [transition] = await db
      .select()
      .from(payoutTransitions)
      .where(
        and(
          eq(payoutTransitions.payoutId, claim.payout.id),
          eq(payoutTransitions.toStatus, "awaiting_tax_info"),
        ),
      );
    expect(transition).toMatchObject({ fromStatus: "claimable", actor: "recipient" });
    expect(transition?.reason).toMatch(/awaiting_tax_info: w9 for 1099-NEC 2026/);
    const [event] = await db
      .select()
      .from(events)
      .where(
        and(
          eq(events.organisationId, claim.scope.organisationId),
          eq(events.type, "payout.awaiting_tax_info"),
        ),
      );
    expect(event?.data).toMatchObject({
      previous_status: "claimable",
      object: { status: "awaiting_tax_info" },
    });
    // A held payout cannot be claimed before the form is filed.
    expect(
      await confirmClaim(db, {
        token: claim.token,
        sessionToken: verified.sessionToken,
        method: "paypal",
        details: { account: "maya@example.com" },
      }),
    ).toEqual({ status: "not_claimable" });
  });

  it("lets a recipient under the threshold go straight to choosing", async () => {
    const claim = await claimFor("US", 199_999n);
    const sessionToken = await claim.session();
    expect(await openClaim(db, { token: claim.token, sessionToken })).toMatchObject({
      stage: "choose",
    });
    expect(
      await confirmClaim(db, {
        token: claim.token,
        sessionToken,
        method: "paypal",
        details: { account: "maya@example.com" },
      }),
    ).toEqual({ status: "claimed" });
  });

  it("refuses an invalid form and changes nothing; a valid one is filed sealed, signed, and releases the payout", async () => {
    const claim = await claimFor("US", 250_000n);
    const sessionToken = await claim.session();
    const held = await confirmClaim(db, {
      token: claim.token,
      sessionToken,
      method: "us_ach",
      details: {
        accountHolderName: "Maya Chen",
        routingNumber: "011000015",
        accountNumber: "123456",
        accountType: "checking",
      },
    });
    expect(held).toEqual({ status: "tax_info_required" });
    expect(await statusOf(claim.payout.id)).toBe("awaiting_tax_info");

    const bad = await submitClaimTaxForm(db, {
      token: claim.token,
      sessionToken,
      kind: "w9",
      values: { ...w9, tin: "000-12-3456", certify: false, signatureName: "Someone Else" },
      ip,
    });
    expect(bad).toMatchObject({ status: "invalid_details" });
    if (bad.status !== "invalid_details") return;
    expect(Object.fromEntries(bad.fieldErrors.map((e) => [e.path, e.message]))).toMatchObject({
      tin: "tax.errors.ssn_invalid",
      certify: "tax.errors.certify_required",
      signatureName: "tax.errors.signature_mismatch",
    });
    expect(await statusOf(claim.payout.id)).toBe("awaiting_tax_info");
    expect(
      await db.select().from(taxForms).where(eq(taxForms.recipientId, claim.payout.recipientId)),
    ).toEqual([]);

    const before = Date.now();
    expect(
      await submitClaimTaxForm(db, {
        token: claim.token,
        sessionToken,
        kind: "w9",
        values: w9,
        ip,
      }),
    ).toEqual({ status: "released" });
    expect(await statusOf(claim.payout.id)).toBe("claimable");
    const [form] = await db
      .select()
      .from(taxForms)
      .where(eq(taxForms.recipientId, claim.payout.recipientId));
    expect(form).toMatchObject({
      kind: "w9",
      formVersion: "W-9 (Rev. March 2024)",
      tinType: "ssn",
      tinLast4: "6789",
      signatureName: "maya chen",
      signedIp: ip,
      address: { line1: "500 Market St", region: "CA", country: "US" },
    });
    expect(form?.signedAt.getTime()).toBeGreaterThanOrEqual(before - 1000);
    expect(form?.tinSealed).toMatch(/^k1\.new\./);
    expect(JSON.stringify(form)).not.toMatch(/123-?45-?6789/);
    // Now the claim goes through.
    expect(
      await confirmClaim(db, {
        token: claim.token,
        sessionToken,
        method: "paypal",
        details: { account: "maya@example.com" },
      }),
    ).toEqual({ status: "claimed" });
  });

  it("reuses the form for the payee's later payouts from the same payer, not for another payer", async () => {
    // By ACH, which counts toward 1099-NEC: only the form on file lets the later ones through.
    const ach = {
      accountHolderName: "Maya Chen",
      routingNumber: "011000015",
      accountNumber: "123456",
      accountType: "checking",
    };
    const first = await claimFor("US", 250_000n);
    const sessionToken = await first.session();
    expect(
      await confirmClaim(db, { token: first.token, sessionToken, method: "us_ach", details: ach }),
    ).toEqual({ status: "tax_info_required" });
    expect(
      await submitClaimTaxForm(db, {
        token: first.token,
        sessionToken,
        kind: "w9",
        values: w9,
        ip,
      }),
    ).toEqual({ status: "released" });
    const later = await claimFor("US", 300_000n, { scope: first.scope, email: first.email });
    expect(
      await confirmClaim(db, {
        token: later.token,
        sessionToken: await later.session(),
        method: "us_ach",
        details: ach,
      }),
    ).toEqual({ status: "claimed" });
    const otherPayer = await claimFor("US", 300_000n, { email: first.email });
    expect(
      await confirmClaim(db, {
        token: otherPayer.token,
        sessionToken: await otherPayer.session(),
        method: "us_ach",
        details: ach,
      }),
    ).toEqual({ status: "tax_info_required" });
  });

  it("asks an EU resident for a W-8BEN and files it", async () => {
    const claim = await claimFor("DE", 200_000n, { currency: "EUR" });
    const sessionToken = await claim.session();
    expect(
      await confirmClaim(db, {
        token: claim.token,
        sessionToken,
        method: "sepa",
        details: { accountHolderName: "Jonas Weber", iban: "DE89370400440532013000" },
      }),
    ).toEqual({ status: "tax_info_required" });
    expect(
      await submitClaimTaxForm(db, {
        token: claim.token,
        sessionToken,
        kind: "w9",
        values: w9,
        ip,
      }),
    ).toEqual({ status: "not_held" });
    expect(
      await submitClaimTaxForm(db, {
        token: claim.token,
        sessionToken,
        kind: "w8ben",
        values: { ...w8ben, country: "US" },
        ip,
      }),
    ).toMatchObject({
      status: "invalid_details",
      fieldErrors: [{ path: "country", message: "tax.errors.us_address_not_allowed" }],
    });
    expect(
      await submitClaimTaxForm(db, {
        token: claim.token,
        sessionToken,
        kind: "w8ben",
        values: w8ben,
        ip,
      }),
    ).toEqual({ status: "released" });
    const [form] = await db
      .select()
      .from(taxForms)
      .where(eq(taxForms.recipientId, claim.payout.recipientId));
    expect(form).toMatchObject({
      kind: "w8ben",
      tinType: "foreign",
      tinLast4: "8901",
      citizenship: "DE",
      dateOfBirth: "1988-02-29",
    });
  });

  it("lets a payout held for tax details expire with its claim window, its funds released", async () => {
    const claim = await claimFor("US", 250_000n);
    const sessionToken = await claim.session();
    await confirmClaim(db, {
      token: claim.token,
      sessionToken,
      method: "us_ach",
      details: {
        accountHolderName: "Maya Chen",
        routingNumber: "011000015",
        accountNumber: "123456",
        accountType: "checking",
      },
    });
    expect(await statusOf(claim.payout.id)).toBe("awaiting_tax_info");
    const { expired } = await expireDuePayouts(db, {
      now: new Date(claim.payout.expiresAt.getTime() + 1000),
    });
    expect(expired).toContain(claim.payout.id);
    expect(await statusOf(claim.payout.id)).toBe("expired");
    const balance = await balanceOf(db, claim.scope);
    expect(balance.reserved).toBe(0n);
  });

  it("decides under a lock: of two payouts claimed at once that only together reach the threshold, one is held", async () => {
    const { scope } = await insertOrganisation(db);
    const email = `racer${++seq}@example.com`;
    await pastPayout(db, scope, { email, country: "US" }, { amount: 150_000n, paidAt: new Date() });
    const a = await claimFor("US", 30_000n, { scope, email });
    const b = await claimFor("US", 30_000n, { scope, email });
    const ach = {
      accountHolderName: "Maya Chen",
      routingNumber: "011000015",
      accountNumber: "123456",
      accountType: "checking",
    };
    const [sa, sb] = [await a.session(), await b.session()];
    // $1,500 paid + $300 = $1,800 each on its own; $2,100 together.
    const outcomes = await Promise.all([
      confirmClaim(db, { token: a.token, sessionToken: sa, method: "us_ach", details: ach }),
      confirmClaim(db, { token: b.token, sessionToken: sb, method: "us_ach", details: ach }),
    ]);
    expect(outcomes.map((o) => o.status).sort()).toEqual(["claimed", "tax_info_required"]);
  });
});
