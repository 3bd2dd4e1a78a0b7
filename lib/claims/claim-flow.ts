import type { DbOrTx } from "@/db/client";
import type { PayoutStatus } from "@/db/schema";
import type { Scope } from "@/db/scope";
import { inTransaction } from "@/db/transaction";
import { screenDestination } from "@/lib/compliance/destinations";
import { isComplianceStop } from "@/lib/compliance/notices";
import type { FieldError } from "@/lib/errors";
import { type Eligibility, eligibleMethods } from "@/lib/methods/eligibility";
import { detailsSchemaFor } from "@/lib/methods/method-details";
import type { MethodDefinition } from "@/lib/methods/types";
import type { Currency } from "@/lib/money";
import {
  applyPayoutEvent,
  choosableStatuses,
  type MovedPayout,
  statusesFor,
  taxHeldStatuses,
  trackedStatuses,
} from "@/lib/payouts/machine";
import { hasClaimActivity } from "./claim-activity";
import { holdForTaxIfNeeded } from "./claim-tax";
import {
  brandingOf,
  type ClaimContext,
  claimLinkByToken,
  hasLiveClaimLink,
  resolveClaimToken,
} from "./links";
import { type ClaimSession, createClaimSession, readClaimSession } from "./session";
import {
  type CodeCheckOutcome,
  type CodeRequestOutcome,
  checkClaimCode,
  claimCodeState,
  MAX_FAILED_ATTEMPTS,
  rememberClaimLocale,
  requestClaimCode,
} from "./verification";

export type ClaimStage =
  /** Not yet verified; a code can be requested. */
  | "verify"
  /** Too many wrong codes: the link is locked for good. */
  | "locked"
  /** Verified; choose a method and enter its details. */
  | "choose"
  /** Verified; the payout waits for the payee's tax details (W-9 / W-8BEN). */
  | "tax"
  /** Verified; the claim is on its way or paid. */
  | "status"
  /** Someone verified and claimed already; this visitor has no session. */
  | "claimed_elsewhere";

export type ClaimBranding = Pick<
  ClaimContext["branding"],
  "name" | "supportEmail" | "logoUrl" | "primaryColor" | "accentColor"
>;

export type ClaimView =
  | { kind: "invalid" }
  | {
      kind: "canceled";
      branding: ClaimBranding;
      /** Compliance stopped it (a block or a rejected review), rather than the organisation. */
      stopped: boolean;
    }
  | {
      /**
       * The link no longer opens a claim: its time ran out (`expired`) or a newer link
       * replaced it (`replaced`). `settled`: the payout was claimed meanwhile, so there
       * is nothing to ask for; otherwise the recipient can ask for a new link, and
       * `asked` says they already did.
       */
      kind: "expired";
      branding: ClaimBranding;
      why: "expired" | "replaced";
      expiredAt: Date;
      settled: boolean;
      asked: boolean;
      recipientEmail: string;
    }
  | {
      kind: "open";
      claim: ClaimContext;
      session: ClaimSession | null;
      stage: ClaimStage;
      /** The code the visitor may be holding (verify, claimed elsewhere), so the page asks for it. */
      code: { expiresAt: Date; attemptsLeft: number } | null;
      /** Locked stage: whether the recipient already asked for a new link. */
      asked: boolean;
    };

/**
 * What a claim link shows this visitor. A malformed or unknown token is `invalid` (it
 * names nobody). A link that has run out or was replaced says so with the payer's name
 * and contact, and lets the recipient ask for a new one: a token is 32 random bytes, so
 * whoever holds a dead one was sent it. A canceled payout says so, politely when
 * compliance stopped it. A payout held for review shows nothing until a person decides.
 */
export async function openClaim(
  db: DbOrTx,
  input: { token: string; sessionToken?: string; now?: Date },
): Promise<ClaimView> {
  const claim = await resolveClaimToken(db, input.token, input.now);
  if (!claim) return deadLink(db, input.token, input.now ?? new Date());
  const status = claim.payout.status;
  if (status === "canceled") {
    return {
      kind: "canceled",
      branding: claim.branding,
      stopped: isComplianceStop(claim.payout.failureReason),
    };
  }
  const taxHeld = taxHeldStatuses.includes(status);
  if (!choosableStatuses.includes(status) && !trackedStatuses.includes(status) && !taxHeld)
    return { kind: "invalid" };

  const session = await readClaimSession(db, {
    token: input.sessionToken,
    claimLinkId: claim.link.id,
    now: input.now,
  });
  const open = { kind: "open" as const, claim, session, code: null, asked: false };
  if (session) {
    return {
      ...open,
      stage: taxHeld ? "tax" : choosableStatuses.includes(status) ? "choose" : "status",
    };
  }
  const state = await claimCodeState(db, claim.link.id);
  if (state?.lockedAt) {
    return {
      ...open,
      stage: "locked",
      asked: await hasClaimActivity(db, claim.link.id, "new_link_requested"),
    };
  }
  const now = input.now ?? new Date();
  const live = state?.codeExpiresAt && state.codeExpiresAt > now ? state.codeExpiresAt : null;
  return {
    ...open,
    stage: choosableStatuses.includes(status) || taxHeld ? "verify" : "claimed_elsewhere",
    code: live
      ? { expiresAt: live, attemptsLeft: MAX_FAILED_ATTEMPTS - (state?.failedAttempts ?? 0) }
      : null,
  };
}

/** Statuses whose money still waits for its recipient: a dead link's holder may ask for a new one. */
const unclaimedStatuses: readonly PayoutStatus[] = [
  ...choosableStatuses,
  ...taxHeldStatuses,
  ...statusesFor("reissue"),
];

async function deadLink(db: DbOrTx, token: string, now: Date): Promise<ClaimView> {
  const row = await claimLinkByToken(db, token);
  if (!row) return { kind: "invalid" };
  const { link, payout, organisation } = row;
  const branding = brandingOf(organisation);
  if (payout.status === "canceled") {
    return { kind: "canceled", branding, stopped: isComplianceStop(payout.failureReason) };
  }
  const settled = trackedStatuses.includes(payout.status);
  if (!settled && !unclaimedStatuses.includes(payout.status)) return { kind: "invalid" };
  // Replaced: the payout has a newer live link (a resend to a new address, a reissue).
  const newer = await hasLiveClaimLink(db, payout.id, now);
  const endedAt =
    link.expiresAt <= now
      ? link.expiresAt
      : payout.status === "expired"
        ? payout.expiresAt
        : (link.revokedAt ?? now);
  return {
    kind: "expired",
    branding,
    why: newer ? "replaced" : "expired",
    expiredAt: endedAt,
    settled,
    asked: await hasClaimActivity(db, link.id, "new_link_requested"),
    recipientEmail: row.recipient.email,
  };
}

export type SendCodeOutcome =
  | Exclude<CodeRequestOutcome, { status: "sent" }>
  | { status: "sent"; resendAt: Date; email: string }
  | { status: "invalid" };

/**
 * Emails a fresh code for the link. `deliver` sends the rendered email (the edge passes
 * the mailer) on the database handle it is given, in the transaction that issues the
 * code, keyed by the code so a retried delivery never mails twice.
 */
export async function sendClaimCode(
  db: DbOrTx,
  input: {
    token: string;
    ip: string;
    /** The page's locale (`es-US`): the code email's, and remembered for later emails. */
    locale: string;
    deliver: (
      email: {
        claim: ClaimContext;
        code: string;
        locale: string;
        idempotencyKey: string;
      },
      db: DbOrTx,
    ) => Promise<void>;
    now?: Date;
  },
): Promise<SendCodeOutcome> {
  const claim = await resolveClaimToken(db, input.token, input.now);
  if (
    !claim ||
    !(
      choosableStatuses.includes(claim.payout.status) ||
      trackedStatuses.includes(claim.payout.status) ||
      taxHeldStatuses.includes(claim.payout.status)
    )
  ) {
    return { status: "invalid" };
  }
  const outcome = await requestClaimCode(db, {
    claimLinkId: claim.link.id,
    ip: input.ip,
    now: input.now,
    deliver: (tx, mail) =>
      input.deliver(
        { claim, code: mail.code, locale: input.locale, idempotencyKey: mail.idempotencyKey },
        tx,
      ),
  });
  if (outcome.status !== "sent") return outcome;
  await rememberClaimLocale(db, claim.link.id, input.locale);
  return { status: "sent", resendAt: outcome.resendAt, email: claim.recipient.email };
}

export type VerifyOutcome =
  | Exclude<CodeCheckOutcome, { status: "verified" }>
  | {
      status: "verified";
      sessionToken: string;
      session: ClaimSession;
      next: "choose" | "status" | "tax";
    }
  | { status: "invalid_link" };

/** Checks a code and, when right, opens a claim session bound to this link and payout. */
export async function verifyClaimCode(
  db: DbOrTx,
  input: { token: string; code: string; ip: string; locale: string; now?: Date },
): Promise<VerifyOutcome> {
  const claim = await resolveClaimToken(db, input.token, input.now);
  if (!claim) return { status: "invalid_link" };
  const outcome = await checkClaimCode(db, {
    claimLinkId: claim.link.id,
    code: input.code,
    ip: input.ip,
    now: input.now,
    owner: {
      organisationId: claim.payout.organisationId,
      mode: claim.payout.mode,
      payoutId: claim.payout.id,
      claimLinkId: claim.link.id,
    },
  });
  if (outcome.status !== "verified") return outcome;
  await rememberClaimLocale(db, claim.link.id, input.locale);
  const { token, session } = await createClaimSession(db, {
    organisationId: claim.payout.organisationId,
    mode: claim.payout.mode,
    claimLinkId: claim.link.id,
    payoutId: claim.payout.id,
    now: input.now,
  });
  // Tax details come before the method, when this payout would reach a threshold.
  const held =
    taxHeldStatuses.includes(claim.payout.status) ||
    (choosableStatuses.includes(claim.payout.status) &&
      (await holdForTaxIfNeeded(db, claim, { now: input.now })) !== null);
  const next = held ? "tax" : choosableStatuses.includes(claim.payout.status) ? "choose" : "status";
  return { status: "verified", sessionToken: token, session, next };
}

/**
 * The methods this payout can be paid by, for the recipient's country: the catalog's
 * eligibility (country ∩ currency ∩ limits ∩ campaign ∩ compliance), the same answer
 * `GET /v1/methods` gives.
 */
export function claimMethods(claim: ChoiceContext): Eligibility {
  return eligibleMethods({
    country: claim.recipient.country,
    currency: claim.payout.currency as Currency,
    amount: claim.payout.amount,
    allowedMethods: claim.batch?.allowedMethods ?? null,
    mode: claim.payout.mode,
  });
}

/** What a recipient's choice is checked against: who they are, what is paid, the campaign's rules. */
export type ChoiceContext = {
  recipient: Pick<ClaimContext["recipient"], "country">;
  payout: Pick<ClaimContext["payout"], "currency" | "amount" | "mode">;
  batch: Pick<NonNullable<ClaimContext["batch"]>, "allowedMethods"> | null;
};

export type ChoiceCheck =
  | { status: "ok"; method: MethodDefinition; details: Record<string, unknown> }
  | { status: "invalid_details"; fieldErrors: FieldError[] }
  | { status: "method_unavailable" };

/**
 * A method and its details as the claim page takes them: the method must be offered for
 * this payout (`claimMethods`) and the details must parse with the method's own schema.
 * The test helper that claims by API checks with this too, so it accepts exactly what a
 * recipient could send.
 */
export function checkClaimChoice(
  claim: ChoiceContext,
  methodId: string,
  details: unknown,
): ChoiceCheck {
  const method = claimMethods(claim).eligible.find((m) => m.id === methodId);
  if (!method) return { status: "method_unavailable" };
  // Live bank details are typed on Stripe's hosted onboarding only (lib/claims/hosted-onboarding.ts).
  if (claim.payout.mode === "live" && method.provider === "stripe") {
    return { status: "method_unavailable" };
  }
  const parsed = detailsSchemaFor(method, claim.recipient.country).safeParse(details);
  if (!parsed.success) {
    return {
      status: "invalid_details",
      fieldErrors: parsed.error.issues.map((issue) => ({
        path: issue.path.join("."),
        message: issue.message,
      })),
    };
  }
  return { status: "ok", method, details: parsed.data };
}

/**
 * The claim itself: the machine's `claim` event with the chosen method and details, from
 * `claimable` or again after a failure or return. Returns whether it moved (a concurrent
 * change, another tab or a cancel, may have moved the payout first).
 */
export async function applyClaimChoice(
  db: DbOrTx,
  scope: Scope,
  payoutId: string,
  choice: { method: MethodDefinition; details: Record<string, unknown> },
  actor = "recipient",
): Promise<MovedPayout | null> {
  const { moved } = await applyPayoutEvent(db, scope, payoutId, "claim", {
    actor,
    reason: (from) =>
      from === "claimable" ? undefined : `recipient chose another method after ${from}`,
    changes: {
      method: choice.method.id,
      methodDetails: choice.details,
      failureReason: null,
      failureCode: null,
      providerReference: null,
    },
  });
  return moved[0] ?? null;
}

export type ConfirmOutcome =
  | { status: "claimed" }
  | { status: "invalid_details"; fieldErrors: FieldError[] }
  | { status: "method_unavailable" }
  | { status: "not_claimable" }
  | { status: "session_ended" }
  /** The destination is shared with other recipients: held for the organisation's review. */
  | { status: "held_for_review" }
  /** The payee's yearly total crossed a threshold: the tax step comes first. */
  | { status: "tax_info_required" };

/**
 * The recipient's choice: checks the session, that the method is offered for this
 * payout and the details parse with the method's own schema, then moves the payout to
 * `claimed` with them. The `payout.claimed` event written in that transaction starts
 * the background submission to the provider.
 */
export async function confirmClaim(
  db: DbOrTx,
  input: { token: string; sessionToken?: string; method: string; details: unknown; now?: Date },
): Promise<ConfirmOutcome> {
  const claim = await resolveClaimToken(db, input.token, input.now);
  if (!claim) return { status: "session_ended" };
  const session = await readClaimSession(db, {
    token: input.sessionToken,
    claimLinkId: claim.link.id,
    now: input.now,
  });
  if (!session || session.payoutId !== claim.payout.id) return { status: "session_ended" };
  if (!choosableStatuses.includes(claim.payout.status)) return { status: "not_claimable" };
  const choice = checkClaimChoice(claim, input.method, input.details);
  if (choice.status !== "ok") return choice;
  const scope = { organisationId: session.organisationId, mode: session.mode };
  const destination = await screenDestination(db, scope, {
    payoutId: claim.payout.id,
    recipientId: claim.payout.recipientId,
    method: choice.method.id,
    details: choice.details,
  });
  if (destination.held) return { status: "held_for_review" };
  // The last word on tax details: decided under a lock on the payee, with the chosen
  // method (a TPSO's payment does not count), in the claim's own transaction.
  return inTransaction(db, async (tx) => {
    if (await holdForTaxIfNeeded(tx, claim, { method: choice.method.id, now: input.now })) {
      return { status: "tax_info_required" } as const;
    }
    const moved = await applyClaimChoice(tx, scope, claim.payout.id, choice);
    // Nothing moved: someone else (another tab, a cancel) moved the payout first.
    return moved ? ({ status: "claimed" } as const) : ({ status: "not_claimable" } as const);
  });
}

export type ClaimProgress = {
  status: PayoutStatus;
  method: string | null;
  paidAt: Date | null;
};

/** What the status page polls: the payout's state, only for the verified recipient of this link. */
export async function claimProgress(
  db: DbOrTx,
  input: { token: string; sessionToken?: string; now?: Date },
): Promise<ClaimProgress | null> {
  const view = await openClaim(db, input);
  if (view.kind !== "open" || !view.session) return null;
  const { payout } = view.claim;
  return { status: payout.status, method: payout.method, paidAt: payout.paidAt };
}
