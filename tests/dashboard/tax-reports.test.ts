import { eq } from "drizzle-orm";
import { describe, expect, it } from "vitest";
import { db } from "@/db/client";
import { auditLog, organisationTaxSettings, type Role, recipients } from "@/db/schema";
import { inTransaction } from "@/db/transaction";
import { authorizeMember } from "@/lib/auth/member-context";
import { isAppError } from "@/lib/errors";
import { applyPayoutEvent } from "@/lib/payouts/machine";
import { payeesMissingTaxForms } from "@/lib/read-models/tax";
import { requestReportAsMember } from "@/lib/reports/member-actions";
import { getReport } from "@/lib/reports/reports";
import { w9Schema } from "@/lib/tax/forms";
import { updateTaxSettings } from "@/lib/tax/settings";
import { listTaxForms, recordTaxForm } from "@/lib/tax/tax-forms";
import { openTin } from "@/lib/tax/tin-vault";
import { addMember, organisationWithOwner, ownerContext } from "@/tests/dashboard/fixtures";
import { claimablePayout, pastPayout, setTestTaxKeys } from "@/tests/fixtures/tax";

setTestTaxKeys();

const guarded = ["reports.view", "reports.create", "tax.view", "tax.manage"] as const;

describe("who may see reports and tax forms", () => {
  it("lets owners and finance members in, and no other role", async () => {
    const { org } = await organisationWithOwner(db);
    for (const role of ["owner", "admin", "finance", "support", "developer"] as Role[]) {
      const user = await addMember(db, org.id, role);
      for (const action of guarded) {
        const outcome = await authorizeMember(
          db,
          { userId: user.id, organisationId: org.id, mode: "test" },
          action,
        ).then(
          () => "allowed",
          (error) => (isAppError(error, "forbidden") ? "forbidden" : "error"),
        );
        expect(outcome, `${role} ${action}`).toBe(
          role === "owner" || role === "finance" ? "allowed" : "forbidden",
        );
      }
    }
  });
});

describe("the Reports page's request", () => {
  it("requests an audited report in the member's scope, which another organisation cannot read", async () => {
    const { org, owner } = await organisationWithOwner(db);
    const member = await ownerContext(db, owner.id, org.id);
    const report = await requestReportAsMember(db, member, {
      type: "payouts",
      fields: {
        from: "2026-01-01",
        to: "2026-02-01",
        status: "paid",
        currency: "",
        batch_id: "",
        tax_year: "2026",
      },
    });
    expect(report).toMatchObject({
      status: "pending",
      parameters: { from: "2026-01-01T00:00:00Z", to: "2026-02-01T00:00:00Z", status: ["paid"] },
    });
    const [audit] = await db.select().from(auditLog).where(eq(auditLog.targetId, report.id));
    expect(audit).toMatchObject({ action: "report.request", actorId: owner.id });
    const other = await organisationWithOwner(db, "Other Org");
    const stranger = await ownerContext(db, other.owner.id, other.org.id);
    expect(await getReport(db, stranger.scope, report.id)).toBeNull();
    await expect(
      requestReportAsMember(db, member, {
        type: "payouts",
        fields: { from: "2026-02-01", to: "2026-01-01" },
      }),
    ).rejects.toMatchObject({
      code: "validation_failed",
      fieldErrors: [{ path: "parameters.to" }],
    });
  });
});

describe("the Tax page", () => {
  it("saves the payer's EIN sealed and masked in the audit log, and lowers but never raises a threshold", async () => {
    const { org, owner } = await organisationWithOwner(db);
    const member = await ownerContext(db, owner.id, org.id);
    const form = {
      legalName: "Acme Creators Inc",
      ein: "12-3456789",
      addressLine1: "1 Main St",
      city: "Austin",
      region: "TX",
      postalCode: "73301",
      country: "US",
      collectPercent: "90",
      nec1099Amount: "600.00",
      dac7Amount: "",
      dac7Count: "",
      apiTaxReports: false,
    };
    await updateTaxSettings(db, member, form);
    const [saved] = await db
      .select()
      .from(organisationTaxSettings)
      .where(eq(organisationTaxSettings.organisationId, org.id));
    expect(saved).toMatchObject({
      collectPercent: 90,
      thresholds: { "1099-NEC": { amount: "60000" } },
      tinLast4: "6789",
    });
    expect(saved?.tinSealed).not.toContain("123456789");
    expect(
      openTin(saved?.tinSealed ?? "", { table: "organisation_tax_settings", id: org.id }),
    ).toBe("123456789");
    const audits = await db
      .select()
      .from(auditLog)
      .where(eq(auditLog.action, "tax_settings.update"));
    expect(JSON.stringify(audits, (_, v) => (typeof v === "bigint" ? String(v) : v))).not.toMatch(
      /123-?45-?6789|123456789/,
    );
    expect(audits.at(-1)?.after).toMatchObject({ ein: "••-•••6789" });

    await expect(
      updateTaxSettings(db, member, { ...form, nec1099Amount: "2500.00" }),
    ).rejects.toMatchObject({
      code: "validation_failed",
      fieldErrors: [{ path: "nec1099Amount", message: expect.stringMatching(/never raise/) }],
    });
    await expect(updateTaxSettings(db, member, { ...form, dac7Count: "31" })).rejects.toMatchObject(
      {
        fieldErrors: [{ path: "dac7Count" }],
      },
    );
  });

  it("lists forms on file masked, and payees who still owe one", async () => {
    const { org, owner } = await organisationWithOwner(db);
    const member = await ownerContext(db, owner.id, org.id);
    const scope = member.scope;
    await pastPayout(db, scope, { email: "over@example.com", country: "US" }, { amount: 250_000n });
    const held = await claimablePayout(
      db,
      scope,
      { email: "held@example.com", country: "US" },
      500n,
    );
    await applyPayoutEvent(db, scope, held.payout.id, "hold_for_tax_info");
    await pastPayout(db, scope, { email: "under@example.com", country: "US" }, { amount: 1_000n });

    const missing = await payeesMissingTaxForms(db, scope);
    expect(missing.map((m) => [m.email, m.form, m.held]).sort()).toEqual([
      ["held@example.com", "w9", 1],
      ["over@example.com", "w9", 0],
    ]);

    const [over] = await db
      .select()
      .from(recipients)
      .where(eq(recipients.externalId, "over@example.com"));
    await inTransaction(db, (tx) =>
      recordTaxForm(tx, scope, {
        recipientId: over?.id ?? "",
        certified: {
          kind: "w9",
          form: w9Schema.parse({
            name: "Over Paid",
            entityType: "individual",
            tinType: "ssn",
            tin: "123-45-6789",
            addressLine1: "1 Main St",
            city: "Austin",
            state: "TX",
            postalCode: "73301",
            certify: true,
            signatureName: "Over Paid",
          }),
        },
        signedIp: "203.0.113.9",
      }),
    );
    expect((await payeesMissingTaxForms(db, scope)).map((m) => m.email)).toEqual([
      "held@example.com",
    ]);
    const forms = await listTaxForms(db, scope);
    expect(forms).toEqual([
      expect.objectContaining({ name: "Over Paid", tin: "•••-••-6789", kind: "w9" }),
    ]);
    expect(JSON.stringify(forms)).not.toContain("123456789");
  });
});
