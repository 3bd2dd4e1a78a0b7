import { and, desc, eq, isNull, sql } from "drizzle-orm";
import type { DbOrTx, Tx } from "@/db/client";
import { recipients, type TaxAddress, taxForms } from "@/db/schema";
import { type Scope, tenantWhere } from "@/db/scope";
import { newId } from "@/lib/ids";
import { formVersions, maskTin, type TaxFormKind, type W8ben, type W9 } from "./forms";
import { lastFour, sealTin } from "./tin-vault";

export type TaxFormRow = typeof taxForms.$inferSelect;

/**
 * Whether a form on file still serves: a W-9 stays valid until the payee's details
 * change; a W-8BEN until the last day of the third calendar year after it was signed.
 */
export function stillValid(form: Pick<TaxFormRow, "kind" | "signedAt">, now = new Date()): boolean {
  if (form.kind === "w9") return true;
  return now.getUTCFullYear() <= form.signedAt.getUTCFullYear() + 3;
}

/** The payee's current form with this organisation, whatever its kind. */
export async function currentTaxForm(
  db: DbOrTx,
  scope: Scope,
  recipientId: string,
): Promise<TaxFormRow | null> {
  const [row] = await db
    .select()
    .from(taxForms)
    .where(
      and(
        tenantWhere(taxForms, scope),
        eq(taxForms.recipientId, recipientId),
        isNull(taxForms.supersededAt),
      ),
    );
  return row ?? null;
}

export type CertifiedForm = { kind: "w9"; form: W9 } | { kind: "w8ben"; form: W8ben };

/**
 * Files a payee's certified form: the one before it is superseded, the TIN sealed to
 * the new row, the signature recorded (typed name, time, address, revision). Call it in
 * the transaction that releases the payout it was asked for.
 */
export async function recordTaxForm(
  tx: Tx,
  scope: Scope,
  input: { recipientId: string; certified: CertifiedForm; signedIp: string | null; now?: Date },
): Promise<TaxFormRow> {
  const now = input.now ?? new Date();
  const id = newId("taxForm");
  await tx
    .update(taxForms)
    .set({ supersededAt: now })
    .where(
      and(
        tenantWhere(taxForms, scope),
        eq(taxForms.recipientId, input.recipientId),
        isNull(taxForms.supersededAt),
      ),
    );
  const { kind } = input.certified;
  const common = {
    id,
    organisationId: scope.organisationId,
    mode: scope.mode,
    recipientId: input.recipientId,
    kind,
    formVersion: formVersions[kind],
    signedAt: now,
    signedIp: input.signedIp,
    createdAt: now,
  };
  const holder = { table: "tax_forms", id } as const;
  let row: typeof taxForms.$inferInsert;
  if (input.certified.kind === "w9") {
    const f = input.certified.form;
    const address: TaxAddress = {
      line1: f.addressLine1,
      ...(f.addressLine2 ? { line2: f.addressLine2 } : {}),
      city: f.city,
      region: f.state,
      postalCode: f.postalCode,
      country: "US",
    };
    row = {
      ...common,
      name: f.name,
      businessName: f.businessName ?? null,
      entityType: f.entityType,
      tinType: f.tinType,
      tinSealed: sealTin(f.tin, holder),
      tinLast4: lastFour(f.tin),
      address,
      signatureName: f.signatureName,
    };
  } else {
    const f = input.certified.form;
    const address: TaxAddress = {
      line1: f.addressLine1,
      ...(f.addressLine2 ? { line2: f.addressLine2 } : {}),
      city: f.city,
      ...(f.region ? { region: f.region } : {}),
      ...(f.postalCode ? { postalCode: f.postalCode } : {}),
      country: f.country,
    };
    row = {
      ...common,
      name: f.name,
      citizenship: f.citizenship,
      dateOfBirth: f.dateOfBirth,
      tinType: f.foreignTin ? "foreign" : null,
      tinSealed: f.foreignTin ? sealTin(f.foreignTin, holder) : null,
      tinLast4: f.foreignTin ? lastFour(f.foreignTin) : null,
      noTinReason: f.foreignTin ? null : (f.noTinReason ?? null),
      address,
      treaty: f.claimTreaty
        ? {
            country: f.treatyCountry ?? "",
            article: f.treatyArticle ?? "",
            rate: f.treatyRate ?? "",
            incomeType: f.treatyIncomeType ?? "",
          }
        : null,
      signatureName: f.signatureName,
    };
  }
  const [inserted] = await tx.insert(taxForms).values(row).returning();
  return inserted as TaxFormRow;
}

/** A form as people may see it: everything but the TIN, which shows masked. */
export type TaxFormSummary = {
  id: string;
  recipientId: string;
  recipientEmail: string;
  kind: TaxFormKind;
  formVersion: string;
  name: string;
  businessName: string | null;
  tin: string;
  country: string;
  signedAt: Date;
  signatureName: string;
};

/** The forms on file (current ones), newest first. */
export async function listTaxForms(
  db: DbOrTx,
  scope: Scope,
  options: { limit?: number } = {},
): Promise<TaxFormSummary[]> {
  const rows = await db
    .select({ form: taxForms, email: recipients.email })
    .from(taxForms)
    .innerJoin(recipients, eq(recipients.id, taxForms.recipientId))
    .where(and(tenantWhere(taxForms, scope), isNull(taxForms.supersededAt)))
    .orderBy(desc(taxForms.id))
    .limit(options.limit ?? 200);
  return rows.map(({ form, email }) => ({
    id: form.id,
    recipientId: form.recipientId,
    recipientEmail: email,
    kind: form.kind,
    formVersion: form.formVersion,
    name: form.name,
    businessName: form.businessName,
    tin: form.tinSealed ? maskTin(form.tinType, form.tinLast4) : "—",
    country: form.address.country,
    signedAt: form.signedAt,
    signatureName: form.signatureName,
  }));
}

/** How many forms a scope has on file, for the page's heading. */
export async function countTaxForms(db: DbOrTx, scope: Scope): Promise<number> {
  const [row] = await db
    .select({ n: sql<number>`count(*)::int` })
    .from(taxForms)
    .where(and(tenantWhere(taxForms, scope), isNull(taxForms.supersededAt)));
  return row?.n ?? 0;
}
