import { eq, sql } from "drizzle-orm";
import { beforeAll, describe, expect, it } from "vitest";
import { db } from "@/db/client";
import { organisationTaxSettings, payouts, recipients, reportChunks } from "@/db/schema";
import type { Scope } from "@/db/scope";
import { inTransaction } from "@/db/transaction";
import { getBalances } from "@/lib/ledger";
import { accountHolding } from "@/lib/payouts/machine";
import { irisHeader } from "@/lib/reports/generators/tax-1099-nec";
import { w8benSchema, w9Schema } from "@/lib/tax/forms";
import { recordTaxForm } from "@/lib/tax/tax-forms";
import { lastFour, sealTin } from "@/lib/tax/tin-vault";
import { fileRows, fileText, generated } from "@/tests/fixtures/reports";
import { pastPayout, setTestTaxKeys } from "@/tests/fixtures/tax";
import { insertOrganisation } from "@/tests/payouts/fixtures";

setTestTaxKeys();

const year = new Date().getUTCFullYear();
let scope: Scope;
const ids: Record<string, string> = {};

async function w9For(email: string, form: Record<string, unknown>) {
  const [rcp] = await db.select().from(recipients).where(eq(recipients.externalId, email));
  if (!rcp) throw new Error(`no recipient ${email}`);
  ids[email] = rcp.id;
  await inTransaction(db, (tx) =>
    recordTaxForm(tx, scope, {
      recipientId: rcp.id,
      certified: { kind: "w9", form: w9Schema.parse(form) },
      signedIp: null,
    }),
  );
}

const w9 = (name: string, tin: string, entityType = "individual") => ({
  name,
  entityType,
  tinType: entityType === "individual" ? "ssn" : "ein",
  tin,
  addressLine1: "1 Main St",
  city: "Austin",
  state: "TX",
  postalCode: "73301",
  certify: true,
  signatureName: name,
});

beforeAll(async () => {
  ({ scope } = await insertOrganisation(db));
  await db.insert(organisationTaxSettings).values({
    organisationId: scope.organisationId,
    legalName: "Acme Creators Inc",
    tinSealed: sealTin("987654321", {
      table: "organisation_tax_settings",
      id: scope.organisationId,
    }),
    tinLast4: lastFour("987654321"),
    address: {
      line1: "9 Payer Way",
      city: "Denver",
      region: "CO",
      postalCode: "80202",
      country: "US",
    },
    phone: "3035550100",
  });
  const us = (email: string) => ({ email, country: "US", name: email.split("@")[0] });
  // Reportable: $2,500 by ACH, W-9 on file.
  await pastPayout(db, scope, us("ann@example.com"), { amount: 150_000n });
  await pastPayout(db, scope, us("ann@example.com"), { amount: 100_000n, method: "venmo" });
  await pastPayout(db, scope, us("ann@example.com"), { amount: 100_000n });
  await w9For("ann@example.com", w9("Ann Lee", "123-45-6789"));
  // Over the threshold, no W-9.
  await pastPayout(db, scope, us("bob@example.com"), { amount: 210_000n });
  // $3,000 by PayPal (the TPSO reports it) and $100 by ACH: not listed.
  await pastPayout(db, scope, us("cat@example.com"), { amount: 300_000n, method: "paypal" });
  await pastPayout(db, scope, us("cat@example.com"), { amount: 10_000n });
  // A corporation: exempt.
  await pastPayout(db, scope, us("dyn@example.com"), { amount: 500_000n });
  await w9For("dyn@example.com", w9("Dyn Corp", "12-3456789", "c_corporation"));
  // Paid last year: not in this year's 1099.
  await pastPayout(db, scope, us("old@example.com"), {
    amount: 900_000n,
    paidAt: new Date(Date.UTC(year - 1, 5, 1)),
  });
  // EU sellers: one by amount with a W-8BEN, one by count without a form.
  const de = { email: "eva@example.com", country: "DE", name: "Eva" };
  await pastPayout(db, scope, de, {
    amount: 150_000n,
    currency: "EUR",
    method: "sepa",
    paidAt: new Date(Date.UTC(year, 1, 10)),
  });
  await pastPayout(db, scope, de, {
    amount: 100_000n,
    currency: "EUR",
    method: "sepa",
    paidAt: new Date(Date.UTC(year, 7, 10)),
  });
  const [eva] = await db.select().from(recipients).where(eq(recipients.externalId, de.email));
  ids[de.email] = eva?.id ?? "";
  await inTransaction(db, (tx) =>
    recordTaxForm(tx, scope, {
      recipientId: eva?.id ?? "",
      certified: {
        kind: "w8ben",
        form: w8benSchema.parse({
          name: "Eva Schmidt",
          citizenship: "DE",
          addressLine1: "Hauptstraße 1",
          city: "Berlin",
          postalCode: "10115",
          country: "DE",
          foreignTin: "DE 12345678901",
          dateOfBirth: "1985-03-04",
          certify: true,
          signatureName: "Eva Schmidt",
        }),
      },
      signedIp: null,
    }),
  );
  for (let i = 0; i < 30; i++) {
    await pastPayout(
      db,
      scope,
      { email: "fox@example.com", country: "FR", name: "Fox" },
      {
        amount: 100n,
        currency: "EUR",
        method: "sepa",
        paidAt: new Date(Date.UTC(year, i % 12, 5)),
      },
    );
  }
  // Payouts still on their way or never paid.
  await pastPayout(db, scope, us("gus@example.com"), { amount: 7_000n, status: "claimable" });
  await pastPayout(db, scope, us("gus@example.com"), { amount: 8_000n, status: "processing" });
  await pastPayout(db, scope, us("gus@example.com"), { amount: 9_000n, status: "failed" });
}, 120_000);

const wholeHistory = { from: "2000-01-01", to: "2100-01-01" };

describe("reports", () => {
  it("payouts: one row per payout with filters, whose totals by status reconcile with the ledger", async () => {
    const report = await generated(db, scope, { type: "payouts", parameters: wholeHistory });
    expect(report).toMatchObject({ status: "ready", progress: 100 });
    const rows = await fileRows(db, report, "payouts.csv");
    const [count] = await db.execute<{ n: number }>(
      sql`select count(*)::int as n from payouts where organisation_id = ${scope.organisationId}`,
    );
    expect(rows).toHaveLength(count?.n ?? -1);
    expect(report.rowCount).toBe(rows.length);
    expect(Object.keys(rows[0] ?? {})).toContain("recipient_email");
    expect(Object.keys(rows[0] ?? {})).not.toContain("method_details");

    for (const balance of await getBalances(db, scope)) {
      const held = { reserved: 0n, in_transit: 0n, paid_out: 0n, available: 0n };
      for (const row of rows.filter((r) => r.currency === balance.currency)) {
        held[accountHolding[row.status as keyof typeof accountHolding]] += BigInt(
          row.amount_minor ?? 0,
        );
      }
      expect(held.reserved, balance.currency).toBe(balance.reserved);
      expect(held.in_transit, balance.currency).toBe(balance.inTransit);
      expect(held.paid_out, balance.currency).toBe(balance.paidOut);
    }
    const summary = report.summary as { by_currency: Record<string, { amount: string }> };
    const usd = rows
      .filter((r) => r.currency === "USD")
      .reduce((a, r) => a + BigInt(r.amount_minor ?? 0), 0n);
    expect(summary.by_currency.USD?.amount).toBe(usd.toString());
    expect(rows.find((r) => r.amount_minor === "150000")?.amount).toBe("1500.00");

    const filtered = await generated(db, scope, {
      type: "payouts",
      parameters: { ...wholeHistory, status: ["paid"], currency: "EUR" },
    });
    const paidEur = await fileRows(db, filtered, "payouts.csv");
    expect(paidEur).toHaveLength(32);
    expect(new Set(paidEur.map((r) => `${r.status}/${r.currency}`))).toEqual(new Set(["paid/EUR"]));
  });

  it("ledger: every transfer of the period, and balances whose opening, debits, credits and closing reconcile", async () => {
    const report = await generated(db, scope, { type: "ledger", parameters: wholeHistory });
    const transfers = await fileRows(db, report, "ledger_transfers.csv");
    const [count] = await db.execute<{ n: number }>(
      sql`select count(*)::int as n from ledger_transfers where organisation_id = ${scope.organisationId}`,
    );
    expect(transfers).toHaveLength(count?.n ?? -1);
    const balances = await fileRows(db, report, "ledger_balances.csv");
    expect(report.summary).toMatchObject({ reconciled: true });
    const actual = await getBalances(db, scope);
    for (const row of balances) {
      expect(
        BigInt(row.opening_minor ?? 0) +
          BigInt(row.credits_minor ?? 0) -
          BigInt(row.debits_minor ?? 0),
      ).toBe(BigInt(row.closing_minor ?? 0));
      const currency = actual.find((b) => b.currency === row.currency);
      const key = {
        available: "available",
        reserved: "reserved",
        in_transit: "inTransit",
        paid_out: "paidOut",
      }[row.account ?? ""] as keyof typeof currency | undefined;
      if (currency && key)
        expect(BigInt(row.closing_minor ?? 0), `${row.currency} ${row.account}`).toBe(
          currency[key],
        );
    }
    // A period from now on opens at today's balances and moves nothing.
    const later = await generated(db, scope, {
      type: "ledger",
      parameters: { from: new Date(Date.now() + 60_000).toISOString(), to: "2100-01-01" },
    });
    expect(later.rowCount).toBe(0);
    for (const row of await fileRows(db, later, "ledger_balances.csv")) {
      expect(row.opening_minor).toBe(row.closing_minor);
    }
  });

  it("tax_1099_nec: payees over the threshold with decrypted TINs, missing forms as exceptions, TPSO payments left out, and the IRIS file", async () => {
    const report = await generated(db, scope, {
      type: "tax_1099_nec",
      parameters: { tax_year: year },
    });
    const rows = await fileRows(db, report, "tax_1099_nec.csv");
    const byEmail = Object.fromEntries(rows.map((r) => [r.payee_email, r]));
    expect(Object.keys(byEmail).sort()).toEqual([
      "ann@example.com",
      "bob@example.com",
      "dyn@example.com",
    ]);
    expect(byEmail["ann@example.com"]).toMatchObject({
      status: "reportable",
      payee_tin: "123456789",
      payee_name: "Ann Lee",
      box1_nonemployee_compensation: "2500.00",
      tpso_excluded_amount: "1000.00",
      payer_tin: "987654321",
      payee_state: "TX",
    });
    expect(byEmail["ann@example.com"]?.tpso_excluded_note).toMatch(/1099-K/);
    expect(byEmail["bob@example.com"]).toMatchObject({ status: "missing_tax_form", payee_tin: "" });
    expect(byEmail["dyn@example.com"]).toMatchObject({ status: "exempt_entity" });

    // Every USD cent paid to US payees this year is accounted for, and matches the ledger.
    const s = report.summary as Record<string, string | number>;
    expect(s).toMatchObject({
      threshold: "200000",
      payees: 3,
      reportable: 1,
      missing_tax_forms: 1,
    });
    const [paid] = await db.execute<{ total: string }>(sql`
      select coalesce(sum(t.amount), 0)::text as total from ledger_transfers t
      join ledger_accounts c on c.id = t.credit_account_id
      join payouts p on p.id = t.payout_id
      where t.organisation_id = ${scope.organisationId} and c.kind = 'paid_out' and t.currency = 'USD'
        and p.paid_at >= ${new Date(Date.UTC(year, 0, 1)).toISOString()}`);
    expect(BigInt(s.counted_total as string) + BigInt(s.tpso_excluded_total as string)).toBe(
      BigInt(paid?.total ?? -1),
    );
    expect(BigInt(s.listed_total as string) + BigInt(s.under_threshold_total as string)).toBe(
      BigInt(s.counted_total as string),
    );
    expect(s.box1_reportable_total).toBe("250000");

    const irisText = await fileText(db, report, "iris_1099_nec.csv");
    const [headerLine] = irisText.split("\n");
    expect(headerLine?.split(",")).toEqual(irisHeader.map((h) => (h.includes(",") ? `"${h}"` : h)));
    expect(irisText.trim().split("\n")[1]?.split(",")).toHaveLength(irisHeader.length);
    const iris = await fileRows(db, report, "iris_1099_nec.csv");
    expect(iris).toHaveLength(1);
    expect(iris[0]).toMatchObject({
      "Form Type": "1099-NEC",
      "Tax Year": String(year),
      "Payer TIN Type": "EIN",
      "Payer Taxpayer ID Number": "987654321",
      "Recipient TIN Type": "SSN",
      "Recipient Taxpayer ID Number": "123456789",
      "Recipient Name Type": "Individual",
      "Recipient First Name": "Ann",
      "Recipient Last Name (Surname)": "Lee",
      "Box 1 - Nonemployee Compensation": "2500.00",
    });
    // At rest the file is sealed: the TIN is nowhere in the stored chunks.
    const chunks = await db.select().from(reportChunks).where(eq(reportChunks.reportId, report.id));
    expect(chunks.length).toBeGreaterThan(0);
    for (const chunk of chunks) expect(chunk.data.includes(Buffer.from("123456789"))).toBe(false);
  });

  it("dac7: reportable sellers by amount or count, per quarter, with the TIN or the missing form", async () => {
    const report = await generated(db, scope, { type: "dac7", parameters: { tax_year: year } });
    const rows = await fileRows(db, report, "dac7.csv");
    const eva = rows.find((r) => r.seller_email === "eva@example.com");
    expect(eva).toMatchObject({
      status: "reportable",
      tin: "DE12345678901",
      tin_issued_by: "DE",
      date_of_birth: "1985-03-04",
      consideration_q1: "1500.00",
      consideration_q3: "1000.00",
      activities_q1: "1",
      activities_q3: "1",
      fees_q1: "0.00",
      total_consideration: "2500.00",
      currency: "EUR",
    });
    const fox = rows.find((r) => r.seller_email === "fox@example.com");
    expect(fox).toMatchObject({
      status: "missing_tax_form",
      total_activities: "30",
      total_consideration: "30.00",
    });
    expect(rows.map((r) => r.seller_email).sort()).toEqual(["eva@example.com", "fox@example.com"]);
    // The consideration is what the ledger paid out in EUR this year.
    const [paid] = await db.execute<{ total: string }>(sql`
      select coalesce(sum(t.amount), 0)::text as total from ledger_transfers t
      join ledger_accounts c on c.id = t.credit_account_id
      where t.organisation_id = ${scope.organisationId} and c.kind = 'paid_out' and t.currency = 'EUR'`);
    expect((report.summary as { consideration: Record<string, string> }).consideration.EUR).toBe(
      paid?.total,
    );
  });

  it("recipient_statement: one recipient's payouts from this payer in a year", async () => {
    const report = await generated(db, scope, {
      type: "recipient_statement",
      parameters: { recipient_id: ids["ann@example.com"] as string, tax_year: year },
    });
    const rows = await fileRows(db, report, "recipient_statement.csv");
    expect(rows).toHaveLength(3);
    expect(report.summary).toMatchObject({ paid: { USD: "350000" } });
  });

  it("reconciliation: the ledger's invariants hold, and a payout whose status disagrees with its money is an exception", async () => {
    const clean = await generated(db, scope, { type: "reconciliation", parameters: {} });
    expect(clean.summary).toMatchObject({ exceptions: 0 });
    const rows = await fileRows(db, clean, "reconciliation.csv");
    expect(rows.filter((r) => r.source === "ledger")).toHaveLength(8);
    expect(rows.every((r) => r.status === "ok")).toBe(true);

    // A status written past the machine (no ledger movement) shows up.
    const [victim] = await db
      .select()
      .from(payouts)
      .where(
        sql`${payouts.organisationId} = ${scope.organisationId} and ${payouts.status} = 'processing'`,
      );
    await db
      .update(payouts)
      .set({ status: "paid" })
      .where(eq(payouts.id, victim?.id ?? ""));
    const broken = await generated(db, scope, { type: "reconciliation", parameters: {} });
    const exceptions = (await fileRows(db, broken, "reconciliation.csv")).filter(
      (r) => r.status === "exception",
    );
    expect(exceptions.map((e) => e.subject)).toEqual(
      expect.arrayContaining([victim?.id, "in_transit", "paid_out"]),
    );
    await db
      .update(payouts)
      .set({ status: "processing" })
      .where(eq(payouts.id, victim?.id ?? ""));
  });
});
