import { z } from "zod";
import type { DbOrTx } from "@/db/client";
import { organisationTaxSettings } from "@/db/schema";
import { inTransaction } from "@/db/transaction";
import { type ActingMember, recordMemberAudit } from "@/lib/audit/record";
import { parseMajorAmount } from "@/lib/decimal-amount";
import { AppError, parseInput } from "@/lib/errors";
import { isCountryCode, isValidEin, maskTin } from "./forms";
import { ruleForReport, taxSettingsOf } from "./rules";
import { lastFour, sealTin } from "./tin-vault";

const blankToUndefined = (v: unknown) => (typeof v === "string" && v.trim() === "" ? undefined : v);
function optional<T extends z.ZodType>(schema: T) {
  return z.preprocess(blankToUndefined, schema.optional());
}

/** The Tax page's settings form, as posted. Amounts are typed in major units. */
export const taxSettingsInputSchema = z.object({
  legalName: optional(z.string().trim().max(100)),
  /** A new EIN; left empty, the one on file stays. */
  ein: optional(z.string().trim().refine(isValidEin, "a valid EIN, e.g. 12-3456789")),
  addressLine1: optional(z.string().trim().max(100)),
  addressLine2: optional(z.string().trim().max(100)),
  city: optional(z.string().trim().max(60)),
  region: optional(z.string().trim().max(60)),
  postalCode: optional(z.string().trim().max(20)),
  country: optional(
    z.string().trim().toUpperCase().refine(isCountryCode, "a two-letter country code"),
  ),
  phone: optional(
    z
      .string()
      .trim()
      .regex(/^[+\d][\d\s().-]{6,20}$/, "a phone number"),
  ),
  collectPercent: z.coerce.number().int().min(1, "1 to 100").max(100, "1 to 100"),
  nec1099Amount: optional(z.string()),
  dac7Amount: optional(z.string()),
  dac7Count: optional(z.coerce.number().int().min(1, "at least 1")),
  apiTaxReports: z.boolean(),
});

/**
 * An organisation's tax settings, changed by an owner or finance member: the payer's
 * identity for the 1099 (the EIN sealed like every TIN, never in the audit log), how early
 * the claim asks for tax details, thresholds it lowers (a higher one than the rule's is
 * refused: it could only hide reportable payees), and whether API keys get tax reports.
 */
export async function updateTaxSettings(db: DbOrTx, member: ActingMember, input: unknown) {
  const parsed = parseInput(taxSettingsInputSchema, input, "tax settings");
  const year = new Date().getUTCFullYear();
  const thresholds: Record<string, { amount?: string; count?: number }> = {};
  const lowered = [
    ["1099-NEC", "nec1099Amount", parsed.nec1099Amount, undefined],
    ["DAC7", "dac7Amount", parsed.dac7Amount, parsed.dac7Count],
  ] as const;
  for (const [form, field, amountText, count] of lowered) {
    const rule = await ruleForReport(db, form, year);
    if (!rule) continue;
    const entry: { amount?: string; count?: number } = {};
    if (amountText !== undefined) {
      const amount = parseMajorAmount(amountText, rule.currency as "USD");
      if (!amount.ok || amount.amount > rule.amountThreshold) {
        throw new AppError("validation_failed", "The tax settings are not valid.", {
          fieldErrors: [
            {
              path: field,
              message: amount.ok
                ? `at most the ${form} threshold (${rule.currency} ${Number(rule.amountThreshold) / 100}); an organisation can lower it, never raise it`
                : amount.message,
            },
          ],
        });
      }
      entry.amount = amount.amount.toString();
    }
    if (count !== undefined) {
      if (rule.countThreshold !== null && count > rule.countThreshold) {
        throw new AppError("validation_failed", "The tax settings are not valid.", {
          fieldErrors: [{ path: "dac7Count", message: `at most ${rule.countThreshold}` }],
        });
      }
      entry.count = count;
    }
    if (Object.keys(entry).length > 0) thresholds[form] = entry;
  }
  const organisationId = member.scope.organisationId;
  return inTransaction(db, async (tx) => {
    const before = await taxSettingsOf(tx, organisationId);
    const address =
      parsed.addressLine1 && parsed.city
        ? {
            line1: parsed.addressLine1,
            ...(parsed.addressLine2 ? { line2: parsed.addressLine2 } : {}),
            city: parsed.city,
            ...(parsed.region ? { region: parsed.region } : {}),
            ...(parsed.postalCode ? { postalCode: parsed.postalCode } : {}),
            country: parsed.country ?? "US",
          }
        : null;
    const ein = parsed.ein?.replace(/\D/g, "");
    const values = {
      legalName: parsed.legalName ?? null,
      address,
      phone: parsed.phone ?? null,
      collectPercent: parsed.collectPercent,
      thresholds,
      apiTaxReports: parsed.apiTaxReports,
      ...(ein
        ? {
            tinSealed: sealTin(ein, { table: "organisation_tax_settings", id: organisationId }),
            tinLast4: lastFour(ein),
          }
        : {}),
      updatedAt: new Date(),
    };
    await tx
      .insert(organisationTaxSettings)
      .values({ organisationId, ...values })
      .onConflictDoUpdate({ target: organisationTaxSettings.organisationId, set: values });
    const shown = (s: { tinLast4: string | null }) => maskTin("ein", s.tinLast4);
    await recordMemberAudit(tx, member, {
      action: "tax_settings.update",
      target: { type: "organisation", id: organisationId },
      before: {
        legalName: before.legalName,
        ein: shown(before),
        collectPercent: before.collectPercent,
        thresholds: before.thresholds,
        apiTaxReports: before.apiTaxReports,
      },
      after: {
        legalName: values.legalName,
        ein: ein ? maskTin("ein", lastFour(ein)) : shown(before),
        collectPercent: values.collectPercent,
        thresholds,
        apiTaxReports: values.apiTaxReports,
      },
    });
  });
}
