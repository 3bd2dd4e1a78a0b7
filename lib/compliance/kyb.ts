import { desc, eq, inArray } from "drizzle-orm";
import { z } from "zod";
import type { DbOrTx } from "@/db/client";
import { type BeneficialOwner, type KybStatus, organisationKyb, organisations } from "@/db/schema";
import { inTransaction } from "@/db/transaction";
import { type ActingMember, recordAudit, recordMemberAudit } from "@/lib/audit/record";
import { config } from "@/lib/config";
import { AppError, parseInput } from "@/lib/errors";
import { countrySchema } from "@/lib/payouts/input-schemas";
import { currentNameIndex } from "./current-index";
import { describeFinding } from "./findings";
import { screenParty } from "./screen";
import { loadComplianceSettings } from "./settings";

export type KybRow = typeof organisationKyb.$inferSelect;

const ownerSchema = z.object({
  name: z.string().trim().min(2, "the owner's full name").max(200),
  country: countrySchema,
  ownership: z.coerce.number().int("a whole percent").min(25, "owners of at least 25 %").max(100),
});

export const kybSubmissionSchema = z
  .object({
    legalName: z.string().trim().min(2).max(300),
    registrationNumber: z.string().trim().min(2).max(100),
    registrationCountry: countrySchema,
    address: z.string().trim().min(5).max(1000),
    website: z.url({
      protocol: /^https?$/,
      error: "an http(s) address such as https://example.com",
    }),
    owners: z.array(ownerSchema).max(4, "at most four owners can hold 25 % or more"),
  })
  .refine((k) => k.owners.reduce((s, o) => s + o.ownership, 0) <= 100, {
    path: ["owners"],
    message: "ownership adds up to more than 100 %",
  });

export type KybSubmission = z.output<typeof kybSubmissionSchema>;

export async function kybOf(db: DbOrTx, organisationId: string): Promise<KybRow | null> {
  const [row] = await db
    .select()
    .from(organisationKyb)
    .where(eq(organisationKyb.organisationId, organisationId));
  return row ?? null;
}

const statusText: Record<KybStatus, string> = {
  unverified: "your organisation has not submitted its business verification (KYB) yet",
  submitted: "your organisation's business verification (KYB) is waiting for a decision",
  rejected:
    "your organisation's business verification (KYB) was rejected; correct it and submit again",
  approved: "approved",
};

/**
 * The one gate of live mode: switching the dashboard to live, creating an `sk_live_`
 * key and creating live payouts (API, campaigns) all call it. Refused, with the reason,
 * until platform operators approved the organisation's KYB; the demo organisation is
 * test-only, whatever its record says.
 */
export async function requireLiveAccess(
  db: DbOrTx,
  organisationId: string,
  what: string,
): Promise<void> {
  const [row] = await db
    .select({ status: organisationKyb.status, testOnly: organisationKyb.testOnly })
    .from(organisationKyb)
    .where(eq(organisationKyb.organisationId, organisationId));
  if (row?.testOnly) {
    throw new AppError(
      "live_mode_unavailable",
      `${what} is not possible: the demo organisation is test-only.`,
      {
        meta: { reason: "demo_organisation" },
      },
    );
  }
  const status = row?.status ?? "unverified";
  if (status !== "approved") {
    throw new AppError(
      "live_mode_unavailable",
      `${what} needs live mode, and live mode needs an approved business verification: ${statusText[status]}.`,
      { meta: { reason: "kyb_not_approved", kyb_status: status } },
    );
  }
}

/**
 * An owner or admin submits (or resubmits) the organisation's KYB. The legal name and
 * every beneficial owner are screened now, and the result is kept for the operators.
 * The audit entry says who submitted and the screening outcome, never the registration
 * number or addresses.
 */
export async function submitKyb(db: DbOrTx, member: ActingMember, input: unknown): Promise<KybRow> {
  const data = parseInput(kybSubmissionSchema, input, "business verification");
  const organisationId = member.scope.organisationId;
  const settings = await loadComplianceSettings(db, organisationId);
  const index = await currentNameIndex(db);
  const screening = [
    { role: "legal name", name: data.legalName, country: data.registrationCountry },
    ...data.owners.map((o) => ({ role: "beneficial owner", name: o.name, country: o.country })),
  ].map((party) => ({
    ...party,
    findings: screenParty(index, party, settings).map((f) => ({
      code: f.code,
      outcome: f.outcome,
      description: describeFinding(f),
    })),
  }));
  return inTransaction(db, async (tx) => {
    const current = await kybOf(tx, organisationId);
    if (current?.status === "approved") {
      throw new AppError(
        "conflict",
        "Your business verification is approved; contact support to change it.",
      );
    }
    const values = {
      status: "submitted" as const,
      legalName: data.legalName,
      registrationNumber: data.registrationNumber,
      registrationCountry: data.registrationCountry,
      address: data.address,
      website: data.website,
      owners: data.owners satisfies BeneficialOwner[],
      screening,
      submittedBy: member.actor.id,
      submittedAt: new Date(),
      decidedBy: null,
      decisionNote: null,
      decidedAt: null,
      updatedAt: new Date(),
    };
    const [row] = await tx
      .insert(organisationKyb)
      .values({ organisationId, ...values })
      .onConflictDoUpdate({ target: organisationKyb.organisationId, set: values })
      .returning();
    await recordMemberAudit(tx, member, {
      action: "kyb.submit",
      target: { type: "organisation", id: organisationId },
      before: { status: current?.status ?? "unverified" },
      after: {
        status: "submitted",
        owners: data.owners.length,
        screening: screening.map((s) => ({
          role: s.role,
          findings: s.findings.map((f) => f.code),
        })),
      },
    });
    return row as KybRow;
  });
}

export function isOperator(email: string | null | undefined): boolean {
  return !!email && config().OPERATOR_EMAILS.includes(email.trim().toLowerCase());
}

export type Operator = { id: string; email: string | null };

function requireOperator(operator: Operator) {
  if (!isOperator(operator.email)) {
    throw new AppError("forbidden", "Only platform operators (OPERATOR_EMAILS) may do this.", {
      meta: { reason: "not_an_operator" },
    });
  }
}

/** A platform operator approves or rejects a submitted KYB, with a note; audited. */
export async function decideKyb(
  db: DbOrTx,
  operator: Operator,
  params: { organisationId: string; decision: "approved" | "rejected"; note?: string },
): Promise<KybRow> {
  requireOperator(operator);
  return inTransaction(db, async (tx) => {
    const current = await kybOf(tx, params.organisationId);
    if (!current?.submittedAt) {
      throw new AppError("not_found", "This organisation has not submitted a verification.");
    }
    if (params.decision === "approved" && current.testOnly) {
      throw new AppError("conflict", "The demo organisation is test-only and cannot be approved.");
    }
    const [row] = await tx
      .update(organisationKyb)
      .set({
        status: params.decision,
        decidedBy: operator.id,
        decisionNote: params.note?.trim() || null,
        decidedAt: new Date(),
        updatedAt: new Date(),
      })
      .where(eq(organisationKyb.organisationId, params.organisationId))
      .returning();
    if (!row)
      throw new AppError("not_found", "This organisation has not submitted a verification.");
    if (row.submittedAt === null) throw new AppError("conflict", "Nothing was submitted.");
    await recordAudit(tx, {
      organisationId: params.organisationId,
      mode: "live",
      actor: { id: operator.id, label: operator.email },
      action: `kyb.${params.decision === "approved" ? "approve" : "reject"}`,
      target: { type: "organisation", id: params.organisationId },
      after: { status: params.decision, note: params.note?.trim() || null },
    });
    return row as KybRow;
  });
}

/** Marks the demo organisation test-only: live mode is refused to it for good. */
export async function markTestOnly(db: DbOrTx, organisationId: string): Promise<void> {
  await db
    .insert(organisationKyb)
    .values({ organisationId, testOnly: true })
    .onConflictDoUpdate({ target: organisationKyb.organisationId, set: { testOnly: true } });
}

/** Submissions for the operators' page: waiting ones first, then the latest decided. */
export async function kybSubmissions(db: DbOrTx, limit = 100) {
  return db
    .select({
      kyb: organisationKyb,
      organisation: { id: organisations.id, name: organisations.name },
    })
    .from(organisationKyb)
    .innerJoin(organisations, eq(organisations.id, organisationKyb.organisationId))
    .where(inArray(organisationKyb.status, ["submitted", "approved", "rejected"]))
    .orderBy(desc(organisationKyb.status), desc(organisationKyb.submittedAt))
    .limit(limit);
}
