import { eq } from "drizzle-orm";
import { describe, expect, it } from "vitest";
import { db } from "@/db/client";
import { organisationTaxSettings, recipients, taxForms } from "@/db/schema";
import type { Scope } from "@/db/scope";
import { inTransaction } from "@/db/transaction";
import { w8benSchema, w9Schema } from "@/lib/tax/forms";
import { taxRequirementFor } from "@/lib/tax/requirement";
import { ruleForReport, rulesFor } from "@/lib/tax/rules";
import { recordTaxForm } from "@/lib/tax/tax-forms";
import { type PastPayout, pastPayout, setTestTaxKeys } from "@/tests/fixtures/tax";
import { insertOrganisation } from "@/tests/payouts/fixtures";

setTestTaxKeys();

const mid2026 = new Date("2026-06-15T12:00:00Z");
const mid2025 = new Date("2025-06-15T12:00:00Z");
let seq = 0;

/** A payee with a history with one payer, and the payout now being claimed. */
async function payee(
  country: string,
  history: PastPayout[],
  settings: Partial<typeof organisationTaxSettings.$inferInsert> = {},
) {
  const { scope } = await insertOrganisation(db);
  if (Object.keys(settings).length > 0) {
    await db
      .insert(organisationTaxSettings)
      .values({ organisationId: scope.organisationId, ...settings });
  }
  const email = `payee${++seq}@example.com`;
  for (const past of history) await pastPayout(db, scope, { email, country }, past);
  return { scope, email, country };
}

async function requirement(
  who: { scope: Scope; email: string; country: string },
  payout: { amount: bigint; currency?: string; method?: string },
  now = mid2026,
) {
  const [recipient] = await db
    .select()
    .from(recipients)
    .where(eq(recipients.externalId, who.email));
  return taxRequirementFor(db, who.scope, {
    recipient: recipient
      ? { id: recipient.id, country: recipient.country }
      : { id: "rcp_none", country: who.country },
    payout: {
      id: "po_new",
      amount: payout.amount,
      currency: payout.currency ?? "USD",
      method: payout.method ?? null,
    },
    now,
  });
}

describe("tax rules as data", () => {
  it("has a per-year 1099-NEC row: $600 for 2025, $2,000 for 2026, and the latest known year after", async () => {
    expect((await ruleForReport(db, "1099-NEC", 2025))?.amountThreshold).toBe(60_000n);
    expect((await ruleForReport(db, "1099-NEC", 2026))?.amountThreshold).toBe(200_000n);
    // No 2027 figure published yet: the 2026 one applies until a row says otherwise.
    expect((await ruleForReport(db, "1099-NEC", 2027))?.taxYear).toBe(2026);
    const [dac7] = await rulesFor(db, "DE", 2026);
    expect(dac7).toMatchObject({
      reportForm: "DAC7",
      collectForm: "w8ben",
      amountThreshold: 200_000n,
      countThreshold: 30,
      currency: "EUR",
    });
    const [nec] = await rulesFor(db, "US", 2026);
    expect(nec?.excludedMethods).toEqual(["paypal", "venmo"]);
    expect(nec?.exclusionNote).toMatch(/1099-K/);
    expect(await rulesFor(db, "KE", 2026)).toEqual([]);
  });
});

describe("when the claim asks for tax details", () => {
  it("asks a US payee for a W-9 exactly at the 2026 threshold, and one cent over, but not one cent under", async () => {
    const who = await payee("US", [{ amount: 150_000n, paidAt: new Date("2026-03-01T00:00:00Z") }]);
    expect(await requirement(who, { amount: 49_999n })).toBeNull();
    expect(await requirement(who, { amount: 50_000n })).toMatchObject({
      form: "w9",
      reportForm: "1099-NEC",
      year: 2026,
      projected: { amount: 200_000n },
    });
    expect(await requirement(who, { amount: 50_001n })).toMatchObject({ form: "w9" });
  });

  it("uses each year's own threshold and total: $600 in 2025, and 2025's payments do not count in 2026", async () => {
    const who = await payee("US", [{ amount: 150_000n, paidAt: new Date("2025-03-01T00:00:00Z") }]);
    // In 2025 the same history is already over $600.
    expect(await requirement(who, { amount: 1n }, mid2025)).toMatchObject({ year: 2025 });
    // In 2026 it starts from zero: $600 is far under $2,000.
    expect(await requirement(who, { amount: 60_000n }, mid2026)).toBeNull();
    const fresh = await payee("US", []);
    expect(await requirement(fresh, { amount: 59_999n }, mid2025)).toBeNull();
    expect(await requirement(fresh, { amount: 60_000n }, mid2025)).toMatchObject({ form: "w9" });
  });

  it("counts payouts on their way (claimed, processing) but not failed or unclaimed ones", async () => {
    const who = await payee("US", [
      { amount: 100_000n, status: "claimed" },
      { amount: 50_000n, status: "processing" },
      { amount: 900_000n, status: "failed" },
      { amount: 900_000n, status: "claimable" },
    ]);
    expect(await requirement(who, { amount: 49_999n })).toBeNull();
    expect(await requirement(who, { amount: 50_000n })).toMatchObject({ form: "w9" });
  });

  it("leaves PayPal and Venmo payments out of 1099-NEC totals (the TPSO files a 1099-K)", async () => {
    const viaPaypal = await payee("US", [
      { amount: 190_000n, method: "paypal", paidAt: new Date("2026-02-01T00:00:00Z") },
    ]);
    expect(await requirement(viaPaypal, { amount: 50_000n })).toBeNull();
    const viaAch = await payee("US", [
      { amount: 190_000n, method: "us_ach", paidAt: new Date("2026-02-01T00:00:00Z") },
    ]);
    expect(await requirement(viaAch, { amount: 10_000n })).toMatchObject({ form: "w9" });
    // The payout itself: once the recipient has chosen Venmo, it does not count either.
    const fresh = await payee("US", []);
    expect(await requirement(fresh, { amount: 300_000n, method: "venmo" })).toBeNull();
    expect(await requirement(fresh, { amount: 300_000n })).toMatchObject({ form: "w9" });
  });

  it("counts only amounts in the threshold's currency toward it", async () => {
    const who = await payee("US", [
      {
        amount: 500_000n,
        currency: "EUR",
        method: "sepa",
        paidAt: new Date("2026-02-01T00:00:00Z"),
      },
    ]);
    expect(await requirement(who, { amount: 199_999n })).toBeNull();
    expect(await requirement(who, { amount: 300_000n, currency: "EUR" })).toBeNull();
  });

  it("asks an EU resident for a W-8BEN at €2,000 or at the 30th payout (DAC7)", async () => {
    const byAmount = await payee("DE", [
      {
        amount: 150_000n,
        currency: "EUR",
        method: "sepa",
        paidAt: new Date("2026-01-10T00:00:00Z"),
      },
    ]);
    expect(await requirement(byAmount, { amount: 49_999n, currency: "EUR" })).toBeNull();
    expect(await requirement(byAmount, { amount: 50_000n, currency: "EUR" })).toMatchObject({
      form: "w8ben",
      reportForm: "DAC7",
    });
    const history = Array.from({ length: 28 }, () => ({
      amount: 100n,
      currency: "EUR",
      method: "sepa",
      paidAt: new Date("2026-01-10T00:00:00Z"),
    }));
    const byCount = await payee("FR", history);
    // 28 paid + this one = 29: under; with one more on its way, this is the 30th.
    expect(await requirement(byCount, { amount: 100n, currency: "EUR" })).toBeNull();
    await pastPayout(
      db,
      byCount.scope,
      { email: byCount.email, country: "FR" },
      {
        amount: 100n,
        currency: "EUR",
        method: "sepa",
        status: "claimed",
      },
    );
    expect(await requirement(byCount, { amount: 100n, currency: "EUR" })).toMatchObject({
      form: "w8ben",
      projected: { count: 30 },
    });
  });

  it("lets an organisation lower a threshold or collect early, never raise it", async () => {
    const lowered = await payee("US", [], { thresholds: { "1099-NEC": { amount: "60000" } } });
    expect(await requirement(lowered, { amount: 60_000n })).toMatchObject({
      thresholds: { amount: 60_000n },
    });
    const raised = await payee("US", [], { thresholds: { "1099-NEC": { amount: "500000" } } });
    expect(await requirement(raised, { amount: 200_000n })).toMatchObject({
      thresholds: { amount: 200_000n },
    });
    const early = await payee("US", [], { collectPercent: 90 });
    expect(await requirement(early, { amount: 179_999n })).toBeNull();
    expect(await requirement(early, { amount: 180_000n })).toMatchObject({ form: "w9" });
  });

  it("reuses a form on file for later payouts; a W-8BEN lapses after the third calendar year", async () => {
    const us = await payee("US", [{ amount: 300_000n, paidAt: new Date("2026-01-10T00:00:00Z") }]);
    const [rcp] = await db.select().from(recipients).where(eq(recipients.externalId, us.email));
    if (!rcp) throw new Error("no recipient");
    await inTransaction(db, (tx) =>
      recordTaxForm(tx, us.scope, {
        recipientId: rcp.id,
        certified: {
          kind: "w9",
          form: w9Schema.parse({
            name: "Pat Payee",
            entityType: "individual",
            tinType: "ssn",
            tin: "123-45-6789",
            addressLine1: "1 Main St",
            city: "Springfield",
            state: "IL",
            postalCode: "62701",
            certify: true,
            signatureName: "Pat Payee",
          }),
        },
        signedIp: "203.0.113.5",
      }),
    );
    expect(await requirement(us, { amount: 10_000n })).toBeNull();

    const eu = await payee("DE", [
      {
        amount: 300_000n,
        currency: "EUR",
        method: "sepa",
        paidAt: new Date("2026-01-10T00:00:00Z"),
      },
    ]);
    const [eRcp] = await db.select().from(recipients).where(eq(recipients.externalId, eu.email));
    if (!eRcp) throw new Error("no recipient");
    const form = await inTransaction(db, (tx) =>
      recordTaxForm(tx, eu.scope, {
        recipientId: eRcp.id,
        certified: {
          kind: "w8ben",
          form: w8benSchema.parse({
            name: "Jo Beispiel",
            citizenship: "DE",
            addressLine1: "Hauptstraße 1",
            city: "Berlin",
            postalCode: "10115",
            country: "DE",
            foreignTin: "12 345 678 901",
            dateOfBirth: "1990-04-01",
            certify: true,
            signatureName: "Jo Beispiel",
          }),
        },
        signedIp: null,
        now: new Date("2022-05-01T00:00:00Z"),
      }),
    );
    // Signed in 2022: valid through 31 December 2025, not in 2026.
    expect(
      await requirement(
        eu,
        { amount: 300_000n, currency: "EUR" },
        new Date("2025-12-31T12:00:00Z"),
      ),
    ).toBeNull();
    expect(await requirement(eu, { amount: 300_000n, currency: "EUR" })).toMatchObject({
      form: "w8ben",
    });
    // The wrong kind on file does not serve either.
    await db.update(taxForms).set({ kind: "w9" }).where(eq(taxForms.id, form.id));
    expect(
      await requirement(
        eu,
        { amount: 300_000n, currency: "EUR" },
        new Date("2025-12-31T12:00:00Z"),
      ),
    ).toMatchObject({ form: "w8ben" });
  });

  it("asks nothing where no rule applies", async () => {
    const who = await payee("KE", [
      { amount: 9_000_000n, paidAt: new Date("2026-01-10T00:00:00Z") },
    ]);
    expect(await requirement(who, { amount: 9_000_000n })).toBeNull();
  });
});
