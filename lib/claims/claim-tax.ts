import { eq } from "drizzle-orm";
import type { DbOrTx } from "@/db/client";
import { recipients } from "@/db/schema";
import type { Scope } from "@/db/scope";
import { inTransaction } from "@/db/transaction";
import type { FieldError } from "@/lib/errors";
import { applyPayoutEvent, taxHeldStatuses } from "@/lib/payouts/machine";
import { type TaxFormKind, taxFormSchemaFor } from "@/lib/tax/forms";
import { type TaxRequirement, taxRequirementFor } from "@/lib/tax/requirement";
import { rulesFor } from "@/lib/tax/rules";
import { type CertifiedForm, currentTaxForm, recordTaxForm, stillValid } from "@/lib/tax/tax-forms";
import { type ClaimContext, resolveClaimToken } from "./links";
import { readClaimSession } from "./session";

/*
 * The claim's tax step: when a payout would take its payee to a reporting threshold, the
 * payout is held (`hold_for_tax_info`, through the payout machine) until the payee has
 * certified a W-9 or W-8BEN; filing it releases the hold (`release_tax_hold`) in the
 * same transaction. A form on file serves every later payout from the same payer.
 */

const scopeOfClaim = (claim: ClaimContext): Scope => ({
  organisationId: claim.payout.organisationId,
  mode: claim.payout.mode,
});

/**
 * Holds the claim's payout for tax details when they are needed, deciding under a lock
 * on the payee so two of their payouts claimed at once cannot both slip under the
 * threshold. Returns the requirement when it held the payout (or found it held).
 */
export async function holdForTaxIfNeeded(
  db: DbOrTx,
  claim: ClaimContext,
  options: { method?: string | null; now?: Date } = {},
): Promise<TaxRequirement | null> {
  const scope = scopeOfClaim(claim);
  return inTransaction(db, async (tx) => {
    await lockPayee(tx, claim.recipient.id);
    const requirement = await taxRequirementFor(tx, scope, {
      recipient: claim.recipient,
      payout: { ...claim.payout, method: options.method ?? null },
      now: options.now,
    });
    if (!requirement) return null;
    await applyPayoutEvent(tx, scope, claim.payout.id, "hold_for_tax_info", {
      actor: "recipient",
      reason: `awaiting_tax_info: ${requirement.form} for ${requirement.reportForm} ${requirement.year}`,
    });
    return requirement;
  });
}

/** Serialises the tax decisions of one payee's claims (released at the transaction's end). */
export async function lockPayee(db: DbOrTx, recipientId: string): Promise<void> {
  await db
    .select({ id: recipients.id })
    .from(recipients)
    .where(eq(recipients.id, recipientId))
    .for("update");
}

/** Which form the tax step asks a payee for, and whether a valid one is already on file. */
export async function taxStepFor(
  db: DbOrTx,
  claim: ClaimContext,
  now = new Date(),
): Promise<{ kind: TaxFormKind; onFile: boolean }> {
  const [rule] = await rulesFor(db, claim.recipient.country, now.getUTCFullYear());
  const kind: TaxFormKind =
    (rule?.collectForm as TaxFormKind | undefined) ??
    (claim.recipient.country === "US" ? "w9" : "w8ben");
  const form = await currentTaxForm(db, scopeOfClaim(claim), claim.recipient.id);
  return { kind, onFile: Boolean(form && form.kind === kind && stillValid(form, now)) };
}

export type TaxFormOutcome =
  | { status: "released" }
  | { status: "invalid_details"; fieldErrors: FieldError[] }
  | { status: "not_held" }
  | { status: "session_ended" };

/**
 * The recipient's certified form from the tax step: checks the session and that the
 * payout is held, parses the form with the schema the browser used, files it (TIN
 * sealed, signature recorded with `ip` and the time) and releases the payout, all in
 * one transaction. `form: null` only releases, when a valid form is already on file.
 */
export async function submitClaimTaxForm(
  db: DbOrTx,
  input: {
    token: string;
    sessionToken?: string;
    kind: TaxFormKind;
    values: unknown | null;
    ip: string | null;
    now?: Date;
  },
): Promise<TaxFormOutcome> {
  const claim = await resolveClaimToken(db, input.token, input.now);
  if (!claim) return { status: "session_ended" };
  const session = await readClaimSession(db, {
    token: input.sessionToken,
    claimLinkId: claim.link.id,
    now: input.now,
  });
  if (!session || session.payoutId !== claim.payout.id) return { status: "session_ended" };
  if (!taxHeldStatuses.includes(claim.payout.status)) return { status: "not_held" };
  const step = await taxStepFor(db, claim, input.now);
  if (input.kind !== step.kind) return { status: "not_held" };

  let certified: CertifiedForm | null = null;
  if (input.values !== null || !step.onFile) {
    const parsed = taxFormSchemaFor(step.kind).safeParse(input.values ?? {});
    if (!parsed.success) {
      return {
        status: "invalid_details",
        fieldErrors: parsed.error.issues.map((issue) => ({
          path: issue.path.join("."),
          message: issue.message,
        })),
      };
    }
    certified = { kind: step.kind, form: parsed.data } as CertifiedForm;
  }
  const scope = scopeOfClaim(claim);
  return inTransaction(db, async (tx) => {
    await lockPayee(tx, claim.recipient.id);
    if (certified) {
      await recordTaxForm(tx, scope, {
        recipientId: claim.recipient.id,
        certified,
        signedIp: input.ip,
        now: input.now,
      });
    }
    const { moved } = await applyPayoutEvent(tx, scope, claim.payout.id, "release_tax_hold", {
      actor: "recipient",
      reason: certified ? `tax form ${certified.kind} certified` : "tax form on file",
    });
    // Nothing moved: the payout left the hold meanwhile (a cancel, an expiry); the
    // transaction rolls back so no form is filed for a payout that was not waiting.
    if (moved.length === 0) throw new NotHeld();
    return { status: "released" } as const;
  }).catch((error: unknown) => {
    if (error instanceof NotHeld) return { status: "not_held" } as const;
    throw error;
  });
}

class NotHeld extends Error {}
