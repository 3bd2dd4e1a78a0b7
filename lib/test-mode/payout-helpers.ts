import type { DbOrTx } from "@/db/client";
import type { Scope } from "@/db/scope";
import { messagesByLocale } from "@/i18n/messages";
import { applyClaimChoice, checkClaimChoice } from "@/lib/claims/claim-flow";
import { sendScopeReminders } from "@/lib/claims/reminders";
import { AppError } from "@/lib/errors";
import { expireScopePayouts } from "@/lib/payouts/expire-payouts";
import { movePayout, type PayoutEvent, type PayoutRow, refusal } from "@/lib/payouts/machine";
import { getPayout, loadPayoutContext, requirePayout } from "@/lib/payouts/queries";
import {
  pollProviderPayouts,
  recordProviderOutcome,
  type Submission,
  startSubmission,
  submitToProvider,
} from "@/lib/payouts/submission";
import { sandboxFailureReasons } from "@/lib/providers/sandbox";
import { advanceClock, type TestClock } from "./clock";

/**
 * Test helpers: what a recipient, a provider or time would do to a test-mode payout,
 * on request, so an integrator can script every event without a browser. Each goes
 * through the same door real life does: the claim page's checks and the machine's
 * `claim`, the submission and provider-outcome code the sandbox's answers go through,
 * the machine's `expire`. None writes a status. Live mode has none of them (the API
 * answers 404 before any of this runs).
 */

/** The claim form's message keys (`errors.iban_invalid`) as the English claim page words them. */
function inEnglish(key: string): string {
  const [group, name] = key.split(".");
  const claim = messagesByLocale.en.claim as unknown as Record<string, Record<string, string>>;
  return (group && name && claim[group]?.[name]) || key;
}

function testModeOnly(scope: Scope) {
  if (scope.mode !== "test") {
    throw new AppError("not_found", "Test helpers exist in test mode only.");
  }
}

/** Why an event did not apply, naming the payout's status (404 when it is not in the scope). */
async function refused(db: DbOrTx, scope: Scope, payoutId: string, event: PayoutEvent) {
  const current = await getPayout(db, scope, payoutId);
  if (!current) return new AppError("not_found", `No such payout: ${payoutId}`);
  return refusal(event, current.status);
}

/**
 * Claims the payout as its recipient would on the claim page: the method must be one
 * the page offers for this payout and the details must pass the method's own schema
 * (field errors under `details.`). Then `payout.claimed` starts the submission in the
 * background as usual.
 */
export async function claimAsRecipient(
  db: DbOrTx,
  scope: Scope,
  payoutId: string,
  input: { method: string; details: unknown; actor: string },
): Promise<PayoutRow> {
  testModeOnly(scope);
  const ctx = await loadPayoutContext(db, scope, payoutId);
  if (!ctx) throw new AppError("not_found", `No such payout: ${payoutId}`);
  const choice = checkClaimChoice(ctx, input.method, input.details);
  if (choice.status === "method_unavailable") {
    throw new AppError(
      "validation_failed",
      `The claim page does not offer ${input.method} for this payout (see GET /v1/methods for the recipient's country, currency and amount).`,
      { fieldErrors: [{ path: "method", message: "not offered for this payout" }] },
    );
  }
  if (choice.status === "invalid_details") {
    throw new AppError("validation_failed", "The method's details are not valid.", {
      fieldErrors: choice.fieldErrors.map((e) => ({
        path: e.path ? `details.${e.path}` : "details",
        message: inEnglish(e.message),
      })),
    });
  }
  const moved = await applyClaimChoice(db, scope, payoutId, choice, input.actor);
  if (!moved) throw await refused(db, scope, payoutId, "claim");
  return moved;
}

export type ProviderVerdict = "paid" | "failed";

/**
 * Decides a claimed payout's submission as its provider would: the payout is submitted
 * if it was not yet (`startSubmission`, funds to in-transit) and handed to the sandbox
 * under its submission id, then `verdict` is recorded as the provider's answer
 * (`recordProviderOutcome`, with the sandbox's reference). The background submission
 * runs as usual meanwhile, and whichever answer is recorded first wins: a payout the
 * sandbox already paid cannot be failed (409 naming its status). An amount ending in 77
 * keeps the sandbox's own answer at `processing`, so the helper's decides.
 */
export async function decideSubmission(
  db: DbOrTx,
  scope: Scope,
  payoutId: string,
  verdict: ProviderVerdict,
  reason?: string,
): Promise<PayoutRow> {
  testModeOnly(scope);
  const event: PayoutEvent = verdict === "paid" ? "settle" : "fail";
  const submission = await startSubmission(db, scope, payoutId);
  if (!submission) throw await refused(db, scope, payoutId, event);
  const submitted = await submitToProvider(db, scope, submission);
  if (!submitted) throw await refused(db, scope, payoutId, event);
  return record(db, scope, submission, event, {
    status: verdict,
    providerReference: submitted.providerReference,
    ...(verdict === "failed" ? { failureReason: reason ?? sandboxFailureReasons.closed } : {}),
  });
}

/** The provider reports that a paid payout's money came back (a bank return). */
export async function returnPayment(
  db: DbOrTx,
  scope: Scope,
  payoutId: string,
  reason?: string,
): Promise<PayoutRow> {
  testModeOnly(scope);
  const payout = await requirePayout(db, scope, payoutId);
  return record(db, scope, { payoutId, attempt: payout.attempt }, "return", {
    status: "returned",
    // A paid payout always has its provider's reference; without one the door refuses.
    providerReference: payout.providerReference ?? "",
    failureReason: reason ?? "The recipient's bank returned the payment.",
  });
}

async function record(
  db: DbOrTx,
  scope: Scope,
  submission: Submission,
  event: PayoutEvent,
  outcome: Parameters<typeof recordProviderOutcome>[3],
): Promise<PayoutRow> {
  const status = await recordProviderOutcome(db, scope, submission, outcome);
  const payout = await requirePayout(db, scope, submission.payoutId);
  if (status !== outcome.status || payout.attempt !== submission.attempt) {
    throw refusal(event, payout.status);
  }
  return payout;
}

/** The claim window passes now: the machine's `expire`, funds released, link dead. */
export async function expireNow(
  db: DbOrTx,
  scope: Scope,
  payoutId: string,
  actor: string,
): Promise<PayoutRow> {
  testModeOnly(scope);
  return movePayout(db, scope, payoutId, "expire", { reason: "link_expired", actor });
}

export type ClockAdvance = TestClock & { expired: number; reminded: number; polled: number };

/**
 * Moves the scope's test clock forward and runs, at the clock's new time, the sweeps
 * that act on time for this organisation's test mode: claim expiry, reminders, and
 * provider polls (which also resubmit a stalled submission). Later sweeps keep reading
 * the clock, so what falls due after this call happens on the clock's schedule too.
 */
export async function advanceTestClock(
  db: DbOrTx,
  scope: Scope,
  seconds: number,
): Promise<ClockAdvance> {
  testModeOnly(scope);
  const clock = await advanceClock(db, scope, seconds);
  const { expired } = await expireScopePayouts(db, scope, clock.now);
  const { reminded } = await sendScopeReminders(db, scope, clock.now);
  const { polled } = await pollProviderPayouts(db, { now: clock.now, scope });
  return { ...clock, expired: expired.length, reminded, polled };
}
