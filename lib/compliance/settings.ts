import { eq } from "drizzle-orm";
import { z } from "zod";
import type { DbOrTx } from "@/db/client";
import { complianceSettings } from "@/db/schema";
import { inTransaction } from "@/db/transaction";
import { type ActingMember, recordMemberAudit } from "@/lib/audit/record";
import { parseInput } from "@/lib/errors";
import { currencySchema } from "@/lib/money";

export type ComplianceSettings = {
  /** Name matches at or above this (0..1) hold the payout for review… */
  reviewThreshold: number;
  /** …and at or above this block it. */
  blockThreshold: number;
  recipientDailyCount: number | null;
  recipientMonthlyCount: number | null;
  /** Minor units per currency. */
  recipientDailyAmount: Record<string, bigint>;
  recipientMonthlyAmount: Record<string, bigint>;
  organisationDailyAmount: Record<string, bigint>;
};

export const DEFAULT_REVIEW_THRESHOLD = 0.8;
export const DEFAULT_BLOCK_THRESHOLD = 0.97;

const amounts = (record: Record<string, string>) =>
  Object.fromEntries(Object.entries(record).map(([c, a]) => [c, BigInt(a)]));

/** The organisation's settings, or the defaults (thresholds 0.80 / 0.97, no limits). */
export async function loadComplianceSettings(
  db: DbOrTx,
  organisationId: string,
): Promise<ComplianceSettings> {
  const [row] = await db
    .select()
    .from(complianceSettings)
    .where(eq(complianceSettings.organisationId, organisationId));
  if (!row) {
    return {
      reviewThreshold: DEFAULT_REVIEW_THRESHOLD,
      blockThreshold: DEFAULT_BLOCK_THRESHOLD,
      recipientDailyCount: null,
      recipientMonthlyCount: null,
      recipientDailyAmount: {},
      recipientMonthlyAmount: {},
      organisationDailyAmount: {},
    };
  }
  return {
    reviewThreshold: row.reviewThreshold / 100,
    blockThreshold: row.blockThreshold / 100,
    recipientDailyCount: row.recipientDailyCount,
    recipientMonthlyCount: row.recipientMonthlyCount,
    recipientDailyAmount: amounts(row.recipientDailyAmount),
    recipientMonthlyAmount: amounts(row.recipientMonthlyAmount),
    organisationDailyAmount: amounts(row.organisationDailyAmount),
  };
}

const limitAmounts = z
  .partialRecord(currencySchema, z.coerce.bigint().positive("a positive amount in minor units"))
  .default({});

export const complianceSettingsSchema = z
  .object({
    reviewThreshold: z.coerce.number().int().min(50).max(100),
    blockThreshold: z.coerce.number().int().min(50).max(101),
    recipientDailyCount: z.coerce.number().int().positive().nullable().default(null),
    recipientMonthlyCount: z.coerce.number().int().positive().nullable().default(null),
    recipientDailyAmount: limitAmounts,
    recipientMonthlyAmount: limitAmounts,
    organisationDailyAmount: limitAmounts,
  })
  .refine((s) => s.blockThreshold >= s.reviewThreshold, {
    path: ["blockThreshold"],
    message: "at least the review threshold",
  });

export type ComplianceSettingsInput = z.output<typeof complianceSettingsSchema>;

const strings = (record: Partial<Record<string, bigint>>) =>
  Object.fromEntries(Object.entries(record).map(([c, a]) => [c, String(a)]));

/** What a member set, audited: the thresholds and limits before and after. */
export async function saveComplianceSettingsAsMember(
  db: DbOrTx,
  member: ActingMember,
  input: unknown,
): Promise<void> {
  const parsed = parseInput(complianceSettingsSchema, input, "compliance settings");
  await inTransaction(db, async (tx) => {
    const before = await loadComplianceSettings(tx, member.scope.organisationId);
    await saveComplianceSettings(tx, member.scope.organisationId, parsed);
    await recordMemberAudit(tx, member, {
      action: "compliance.settings",
      target: { type: "organisation", id: member.scope.organisationId },
      before: { ...before },
      after: { ...(await loadComplianceSettings(tx, member.scope.organisationId)) },
    });
  });
}

/** Thresholds in hundredths (80 = 0.80); limits in minor units; null or {} for none. */
export async function saveComplianceSettings(
  db: DbOrTx,
  organisationId: string,
  input: ComplianceSettingsInput,
): Promise<void> {
  const values = {
    reviewThreshold: input.reviewThreshold,
    blockThreshold: input.blockThreshold,
    recipientDailyCount: input.recipientDailyCount,
    recipientMonthlyCount: input.recipientMonthlyCount,
    recipientDailyAmount: strings(input.recipientDailyAmount),
    recipientMonthlyAmount: strings(input.recipientMonthlyAmount),
    organisationDailyAmount: strings(input.organisationDailyAmount),
    updatedAt: new Date(),
  };
  await db
    .insert(complianceSettings)
    .values({ organisationId, ...values })
    .onConflictDoUpdate({ target: complianceSettings.organisationId, set: values });
}
