import { eq } from "drizzle-orm";
import { describe, expect, it } from "vitest";
import { db } from "@/db/client";
import { auditLog } from "@/db/schema";
import { isAppError } from "@/lib/errors";
import { insertOrganisation } from "@/tests/payouts/fixtures";
import { loadComplianceSettings, saveComplianceSettingsAsMember } from "./settings";

describe("compliance settings", () => {
  it("default to review 0.80, block 0.97 and no limits; a member's change is validated and audited", async () => {
    const { scope } = await insertOrganisation(db);
    expect(await loadComplianceSettings(db, scope.organisationId)).toEqual({
      reviewThreshold: 0.8,
      blockThreshold: 0.97,
      recipientDailyCount: null,
      recipientMonthlyCount: null,
      recipientDailyAmount: {},
      recipientMonthlyAmount: {},
      organisationDailyAmount: {},
    });
    const member = { scope, actor: { id: "usr_admin", label: "admin@acme.test" } };
    const refused = await saveComplianceSettingsAsMember(db, member, {
      reviewThreshold: "90",
      blockThreshold: "85",
    }).catch((e) => e);
    expect(isAppError(refused, "validation_failed")).toBe(true);
    expect(refused.fieldErrors).toEqual([
      { path: "blockThreshold", message: "at least the review threshold" },
    ]);

    await saveComplianceSettingsAsMember(db, member, {
      reviewThreshold: "85",
      blockThreshold: "99",
      recipientDailyCount: "3",
      recipientMonthlyCount: null,
      recipientDailyAmount: { USD: "50000" },
      recipientMonthlyAmount: {},
      organisationDailyAmount: { EUR: "1000000" },
    });
    expect(await loadComplianceSettings(db, scope.organisationId)).toMatchObject({
      reviewThreshold: 0.85,
      blockThreshold: 0.99,
      recipientDailyCount: 3,
      recipientDailyAmount: { USD: 50_000n },
      organisationDailyAmount: { EUR: 1_000_000n },
    });
    const [entry] = await db
      .select()
      .from(auditLog)
      .where(eq(auditLog.organisationId, scope.organisationId));
    expect(entry).toMatchObject({ action: "compliance.settings", actorId: "usr_admin" });
    expect(entry?.after).toMatchObject({
      reviewThreshold: 0.85,
      recipientDailyAmount: { USD: "50000" },
    });
  });
});
