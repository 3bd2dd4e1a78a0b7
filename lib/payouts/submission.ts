import { and, eq, gt, isNotNull, isNull, lt, or, sql } from "drizzle-orm";
import type { DbOrTx } from "@/db/client";
import { type PayoutStatus, payouts } from "@/db/schema";
import { type Scope, tenantWhere } from "@/db/scope";
import { methodFee } from "@/lib/methods/fees";
import type { MethodId } from "@/lib/methods/types";
import type { Currency } from "@/lib/money";
import {
  applyPayoutEvent,
  type PayoutChanges,
  type PayoutEvent,
  withheldFee,
} from "@/lib/payouts/machine";
import { loadPayoutContext } from "@/lib/payouts/queries";
import {
  type LiveProviders,
  type PollResult,
  resolveProvider,
  type SubmitResult,
  submissionId,
} from "@/lib/providers";
import { attemptStatusOf, holdingAttempt, markAttempt } from "@/lib/providers/attempts";
import { loadLiveProviders } from "@/lib/providers/credentials";
import { submitThroughRoute } from "@/lib/providers/failover";

/** Which submission of a payout a step works on; every later step checks it still is. */
export type Submission = { payoutId: string; attempt: number };

/**
 * The fee a live submission posts to `fees`, and who bears it (the organisation's
 * setting). A recipient cannot bear a fee that would leave nothing to pay; the platform
 * bears that one. Test mode's sandbox charges nothing.
 */
async function submissionFee(
  db: DbOrTx,
  scope: Scope,
  payoutId: string,
): Promise<PayoutChanges | undefined> {
  if (scope.mode !== "live") return undefined;
  const row = await loadPayoutContext(db, scope, payoutId);
  if (!row?.payout.method) return undefined;
  let fee = 0n;
  try {
    fee = methodFee(row.payout.method as MethodId, {
      amount: row.payout.amount,
      currency: row.payout.currency as Currency,
    });
  } catch {
    // A method that cannot pay this currency is refused by its provider, fee or not.
  }
  if (fee === 0n) return { feeAmount: 0n, feeBearer: null };
  const bearer = row.organisation.feeBearer === "recipient" && fee < row.payout.amount;
  return { feeAmount: fee, feeBearer: bearer ? "recipient" : "platform" };
}

/**
 * Moves a claimed payout to `processing` (the ledger's submit movement, with the
 * method's fee in live mode) and returns the submission it starts. A retried step finds
 * the payout already processing and carries on with that attempt; a payout canceled
 * meanwhile gives null and nothing is sent.
 */
export async function startSubmission(
  db: DbOrTx,
  scope: Scope,
  payoutId: string,
): Promise<Submission | null> {
  const changes = await submissionFee(db, scope, payoutId);
  const { moved, refused } = await applyPayoutEvent(db, scope, payoutId, "submit", {
    actor: "system",
    changes,
  });
  const current = moved[0] ?? refused[0]?.current;
  return current?.status === "processing" ? { payoutId, attempt: current.attempt } : null;
}

/** The payout and its recipient while this submission is the current one. */
async function processing(db: DbOrTx, scope: Scope, submission: Submission) {
  const row = await loadPayoutContext(db, scope, submission.payoutId);
  const current = row?.payout.status === "processing" && row.payout.attempt === submission.attempt;
  return current ? row : null;
}

/**
 * Hands the payout to its provider under `submissionId(payoutId, attempt)`, the
 * provider's idempotency key: a retried step (or a crash after the provider answered)
 * submits the same id again and the provider answers the same, so no one is paid twice.
 * Live payouts go through the method's route of providers with failover
 * (lib/providers/failover.ts). Null when the submission is no longer current.
 */
export async function submitToProvider(
  db: DbOrTx,
  scope: Scope,
  submission: Submission,
  options: { live?: LiveProviders } = {},
): Promise<SubmitResult | null> {
  if (scope.mode === "live") {
    const live = options.live ?? (await loadLiveProviders(db, scope));
    return submitThroughRoute(db, scope, submission, live, async () => {
      const row = await processing(db, scope, submission);
      if (!row) return null;
      const { payout, recipient } = row;
      return {
        method: payout.method as MethodId,
        input: {
          payoutId: submissionId(payout.id, payout.attempt),
          amount: payout.amount - withheldFee(payout),
          currency: payout.currency as Currency,
          method: payout.method as MethodId,
          details: payout.methodDetails ?? {},
          recipient: { email: recipient.email, name: recipient.name, country: recipient.country },
        },
      };
    });
  }
  const row = await processing(db, scope, submission);
  if (!row) return null;
  const { payout, recipient } = row;
  const provider = resolveProvider(scope.mode, payout.method as MethodId, options.live);
  return provider.submit({
    payoutId: submissionId(payout.id, payout.attempt),
    amount: payout.amount,
    currency: payout.currency as Currency,
    method: payout.method as MethodId,
    details: payout.methodDetails ?? {},
    recipient: { email: recipient.email, name: recipient.name, country: recipient.country },
  });
}

/** The machine's event for each outcome a provider reports; `processing` changes no status. */
const outcomeEvents: Partial<Record<ProviderOutcome["status"], PayoutEvent>> = {
  paid: "settle",
  failed: "fail",
  returned: "return",
};

export type ProviderOutcome =
  | SubmitResult
  | (PollResult & { providerReference: string })
  | { status: "processing"; providerReference: string };

/**
 * Applies what the provider said about a submission: paid settles, failed holds the
 * money again for the recipient's next pick, returned takes a paid payout back the same
 * way, and processing just keeps the provider's reference for polling. A failure
 * reported after the payout was paid (a bank bouncing a Stripe payout) is a return: the
 * door refuses `fail` for a paid payout and says so, and `return` applies. Safe to
 * repeat: a payout that has already moved on is left alone and its status returned.
 */
export async function recordProviderOutcome(
  db: DbOrTx,
  scope: Scope,
  submission: Submission,
  outcome: ProviderOutcome,
): Promise<PayoutStatus | null> {
  const reference = { providerReference: outcome.providerReference };
  const event = outcomeEvents[outcome.status];
  if (scope.mode === "live") {
    await markAttempt(
      db,
      scope,
      { ...submission, providerReference: outcome.providerReference },
      {
        status: attemptStatusOf(outcome.status),
        failureCode: "failureCode" in outcome ? (outcome.failureCode ?? null) : undefined,
        failureReason: "failureReason" in outcome ? (outcome.failureReason ?? null) : undefined,
      },
    );
  }
  if (!event) {
    await db
      .update(payouts)
      .set(reference)
      .where(
        and(
          tenantWhere(payouts, scope),
          eq(payouts.id, submission.payoutId),
          eq(payouts.status, "processing"),
          eq(payouts.attempt, submission.attempt),
        ),
      );
    return "processing";
  }
  const failure = {
    reason: "failureReason" in outcome ? outcome.failureReason : undefined,
    changes: {
      ...reference,
      ...("failureCode" in outcome && outcome.failureCode && { failureCode: outcome.failureCode }),
    },
  };
  // Only this submission's outcome counts: one about an earlier attempt is stale.
  const details = { actor: "provider", attempt: submission.attempt, ...failure };
  const { moved, refused } = await applyPayoutEvent(db, scope, submission.payoutId, event, details);
  const current = moved[0] ?? refused[0]?.current;
  if (event === "fail" && !moved[0] && current?.status === "paid") {
    const returned = await applyPayoutEvent(db, scope, submission.payoutId, "return", details);
    return (returned.moved[0] ?? returned.refused[0]?.current)?.status ?? null;
  }
  return current?.status ?? null;
}

/** How long after payment a poll still looks for a return; later returns come by provider webhook. */
export const RETURN_WATCH_MS = 15 * 60_000;

/**
 * A processing payout with no provider reference this old lost its submission (a crash,
 * an outage). Resubmitting it is safe at any age: the provider keys on the submission
 * id, and a live submission holds its payout's lease (failover.ts), so a run still
 * working on it and the sweep take turns. Short, so that after a restart the sweep that
 * runs at start-up and each minute resumes such payouts within a minute.
 */
export const STALLED_SUBMISSION_MS = 30_000;

/**
 * The sweep behind the submission function: polls providers for payouts still
 * processing (and for payouts paid within the return watch) and records what they say;
 * submits again, under the same id, a payout whose submission never got an answer.
 * Across organisations; a provider error on one payout is reported, not thrown, so it
 * never stalls the others. `resume` (at start-up) takes every unanswered submission
 * whatever its age.
 */
export async function pollProviderPayouts(
  db: DbOrTx,
  options: {
    now?: Date;
    limit?: number;
    live?: LiveProviders;
    minAgeMs?: number;
    /** Only this organisation and mode (a test clock's advance polls its own at its time). */
    scope?: Scope;
    resume?: boolean;
  } = {},
): Promise<{ polled: number; changed: number; failures: { payoutId: string; error: string }[] }> {
  const now = options.now ?? new Date();
  const ago = (ms: number) => new Date(now.getTime() - ms);
  const rows = await db
    .select()
    .from(payouts)
    .where(
      and(
        options.scope ? tenantWhere(payouts, options.scope) : undefined,
        or(
          and(
            eq(payouts.status, "processing"),
            isNotNull(payouts.providerReference),
            lt(payouts.updatedAt, ago(options.minAgeMs ?? 30_000)),
          ),
          and(
            eq(payouts.status, "processing"),
            isNull(payouts.providerReference),
            options.resume ? sql`true` : lt(payouts.updatedAt, ago(STALLED_SUBMISSION_MS)),
          ),
          and(
            eq(payouts.status, "paid"),
            isNotNull(payouts.providerReference),
            gt(payouts.paidAt, ago(RETURN_WATCH_MS)),
          ),
        ),
      ),
    )
    .orderBy(payouts.updatedAt)
    .limit(options.limit ?? 200);
  const result = { polled: 0, changed: 0, failures: [] as { payoutId: string; error: string }[] };
  for (const payout of rows) {
    const scope = { organisationId: payout.organisationId, mode: payout.mode };
    const submission = { payoutId: payout.id, attempt: payout.attempt };
    try {
      let outcome: ProviderOutcome | null;
      if (payout.providerReference === null) {
        outcome = await submitToProvider(db, scope, submission, options);
      } else {
        outcome = {
          ...(await pollProvider(db, scope, payout, options.live)),
          providerReference: payout.providerReference,
        };
      }
      result.polled++;
      if (!outcome) continue;
      // Same status and a reference on file: nothing to record yet.
      if (outcome.status === payout.status && payout.providerReference !== null) continue;
      const status = await recordProviderOutcome(db, scope, submission, outcome);
      if (status !== payout.status) result.changed++;
    } catch (error) {
      // Reported, not thrown: one unreachable provider must not stall every other payout.
      result.failures.push({ payoutId: payout.id, error: (error as Error).message });
    }
  }
  return result;
}

/** Asks the provider holding the payout's current submission (after failover, not the method's first). */
async function pollProvider(
  db: DbOrTx,
  scope: Scope,
  payout: typeof payouts.$inferSelect,
  live: LiveProviders | undefined,
): Promise<PollResult> {
  const reference = payout.providerReference as string;
  if (scope.mode !== "live") {
    return resolveProvider(scope.mode, payout.method as MethodId).poll(reference);
  }
  const holding = await holdingAttempt(db, scope, payout.id, payout.attempt);
  const adapters = live ?? (await loadLiveProviders(db, scope));
  const adapter = holding ? adapters[holding.provider] : undefined;
  if (!adapter) throw new Error(`No live provider holds payout ${payout.id}`);
  return adapter.poll(reference);
}
