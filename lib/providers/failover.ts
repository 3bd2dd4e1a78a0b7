import { randomUUID } from "node:crypto";
import { and, eq, sql } from "drizzle-orm";
import type { DbOrTx } from "@/db/client";
import { type ProviderId, submissionLeases } from "@/db/schema";
import type { Scope } from "@/db/scope";
import { AppError } from "@/lib/errors";
import type { MethodId } from "@/lib/methods/types";
import { attemptStatusOf, attemptsOf, markAttempt, openAttempt } from "./attempts";
import { providerNames } from "./credentials";
import { failsOver, isProviderFailureCode, reasonText } from "./reasons";
import { routeFor } from "./routing";
import {
  type LivePayoutProvider,
  type PayoutProvider,
  ProviderUnavailableError,
  type SubmitInput,
  type SubmitResult,
} from "./types";

type Adapters = Partial<
  Record<ProviderId, PayoutProvider & Partial<Pick<LivePayoutProvider, "lookup">>>
>;

/** Longer than a route's provider calls can take (three providers at 20 s each). */
export const SUBMISSION_LEASE_MS = 90_000;

/** Another submission of this payout is under way; the caller retries later. */
export class SubmissionBusyError extends Error {
  override name = "SubmissionBusyError";
}

/**
 * Runs `work` holding the payout's submission lease: the submission function, a resumed
 * one and the sweep may all reach the same payout after a crash, and the route's state
 * (which provider holds it) must be read and changed by one of them at a time. A lease
 * row rather than a lock held in a transaction, so no connection waits through the
 * provider calls, and the attempts each call records commit at once.
 */
async function withSubmissionLease<T>(db: DbOrTx, payoutId: string, work: () => Promise<T>) {
  const token = randomUUID();
  const [held] = await db
    .insert(submissionLeases)
    .values({
      payoutId,
      token,
      expiresAt: sql`now() + ${SUBMISSION_LEASE_MS} * interval '1 millisecond'`,
    })
    .onConflictDoUpdate({
      target: submissionLeases.payoutId,
      set: { token, expiresAt: sql`now() + ${SUBMISSION_LEASE_MS} * interval '1 millisecond'` },
      setWhere: sql`${submissionLeases.expiresAt} < now()`,
    })
    .returning({ token: submissionLeases.token });
  if (held?.token !== token) {
    throw new SubmissionBusyError(`Payout ${payoutId} is being submitted by another worker.`);
  }
  try {
    return await work();
  } finally {
    await db
      .delete(submissionLeases)
      .where(and(eq(submissionLeases.payoutId, payoutId), eq(submissionLeases.token, token)));
  }
}

/**
 * A live submission through the method's route: each provider in order, under the same
 * submission id (its idempotency key there). A provider that refuses for a reason of
 * its own (`failsOver`) hands over to the next one; a recipient's reason is the payout's
 * outcome. A provider that cannot be reached is first asked whether it holds anything
 * under the id: only an answer of "nothing" closes it and moves on; when it cannot tell,
 * the error goes up and the step retries the same provider later, so money never leaves
 * through two providers. Every hand-over is a `provider_attempts` row.
 */
export async function submitThroughRoute(
  db: DbOrTx,
  scope: Scope,
  submission: { payoutId: string; attempt: number },
  adapters: Adapters,
  prepare: () => Promise<{ method: MethodId; input: SubmitInput } | null>,
): Promise<SubmitResult | null> {
  return withSubmissionLease(db, submission.payoutId, async () => {
    const prepared = await prepare();
    if (!prepared) return null;
    const { method, input } = prepared;
    const route = await routeFor(db, scope, method);
    if (route.length === 0) {
      throw new AppError("live_mode_unavailable", `No live provider pays ${method}.`);
    }
    const done = new Map(
      (await attemptsOf(db, scope, submission.payoutId, submission.attempt))
        .filter((a) => a.status === "closed" || a.status === "declined")
        .map((a) => [a.provider, a]),
    );
    let last: SubmitResult | null = null;
    for (const [position, provider] of route.entries()) {
      const hasNext = position < route.length - 1;
      const settled = done.get(provider);
      if (settled) {
        const code = isProviderFailureCode(settled.failureCode)
          ? settled.failureCode
          : "provider_rejected";
        last = {
          status: "failed",
          providerReference: settled.providerReference ?? input.payoutId,
          failureCode: code,
          failureReason: settled.failureReason ?? reasonText(code, providerNames[provider]),
        };
        if (settled.status === "declined" && !failsOver(code)) return last;
        continue;
      }
      const where = { ...submission, provider };
      await openAttempt(db, scope, {
        ...where,
        position,
        submissionId: input.payoutId,
        amount: input.amount,
        currency: input.currency,
      });
      const adapter = adapters[provider];
      if (!adapter) {
        last = {
          status: "failed",
          providerReference: input.payoutId,
          failureCode: "provider_auth_failed",
          failureReason: `${providerNames[provider]} is not connected.`,
        };
        await markAttempt(db, scope, where, {
          status: "closed",
          failureCode: last.failureCode,
          failureReason: last.failureReason,
        });
        continue;
      }
      let result: SubmitResult;
      try {
        result = await adapter.submit(input);
      } catch (error) {
        if (!(error instanceof ProviderUnavailableError) || !adapter.lookup) throw error;
        // Did the provider take it before the line went quiet? Only "nothing" lets us move on.
        const found = await adapter.lookup(input.payoutId).catch(() => {
          throw error;
        });
        if (found !== "absent") {
          // Returned before we knew it was paid: the return arrives as its own outcome.
          result = { ...found, status: found.status === "returned" ? "paid" : found.status };
        } else {
          last = {
            status: "failed",
            providerReference: input.payoutId,
            failureCode: "provider_unavailable",
            failureReason: reasonText("provider_unavailable", providerNames[provider]),
          };
          await markAttempt(db, scope, where, {
            status: "closed",
            failureCode: last.failureCode,
            failureReason: last.failureReason,
          });
          if (hasNext) continue;
          throw error;
        }
      }
      const code = result.status === "failed" ? result.failureCode : undefined;
      await markAttempt(db, scope, where, {
        status: attemptStatusOf(result.status),
        providerReference: result.providerReference,
        failureCode: code ?? null,
        failureReason: result.failureReason ?? null,
      });
      last = result;
      if (code && failsOver(code) && hasNext) continue;
      return result;
    }
    return last;
  });
}
