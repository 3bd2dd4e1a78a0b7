import { and, asc, eq, inArray, sql } from "drizzle-orm";
import type { DbOrTx } from "@/db/client";
import { type ProviderAttemptStatus, type ProviderId, providerAttempts } from "@/db/schema";
import { type Scope, tenantWhere } from "@/db/scope";
import { newId } from "@/lib/ids";
import type { ProviderFailureCode } from "./reasons";
import type { PollResult } from "./types";

export type ProviderAttempt = typeof providerAttempts.$inferSelect;

/** A provider's answer as an attempt's status. */
export function attemptStatusOf(status: PollResult["status"]): ProviderAttemptStatus {
  switch (status) {
    case "processing":
      return "accepted";
    case "failed":
      return "declined";
    default:
      return status;
  }
}

/** The attempts of one submission, in route order. */
export async function attemptsOf(
  db: DbOrTx,
  scope: Scope,
  payoutId: string,
  attempt: number,
): Promise<ProviderAttempt[]> {
  return db
    .select()
    .from(providerAttempts)
    .where(
      and(
        tenantWhere(providerAttempts, scope),
        eq(providerAttempts.payoutId, payoutId),
        eq(providerAttempts.attempt, attempt),
      ),
    )
    .orderBy(asc(providerAttempts.position));
}

/** Every attempt of a payout, oldest first, for its timeline. */
export async function payoutAttempts(
  db: DbOrTx,
  scope: Scope,
  payoutId: string,
): Promise<ProviderAttempt[]> {
  return db
    .select()
    .from(providerAttempts)
    .where(and(tenantWhere(providerAttempts, scope), eq(providerAttempts.payoutId, payoutId)))
    .orderBy(asc(providerAttempts.attempt), asc(providerAttempts.position));
}

/** Opens the attempt row for a provider, once (a retried step finds it). */
export async function openAttempt(
  db: DbOrTx,
  scope: Scope,
  input: {
    payoutId: string;
    attempt: number;
    position: number;
    provider: ProviderId;
    submissionId: string;
    amount: bigint;
    currency: string;
  },
): Promise<void> {
  await db
    .insert(providerAttempts)
    .values({ id: newId("providerAttempt"), ...scope, ...input, status: "submitting" })
    .onConflictDoNothing();
}

export async function markAttempt(
  db: DbOrTx,
  scope: Scope,
  where: { payoutId: string; attempt: number; provider?: ProviderId; providerReference?: string },
  change: {
    status: ProviderAttemptStatus;
    providerReference?: string;
    failureCode?: ProviderFailureCode | null;
    failureReason?: string | null;
  },
): Promise<void> {
  const conditions = [
    tenantWhere(providerAttempts, scope),
    eq(providerAttempts.payoutId, where.payoutId),
    eq(providerAttempts.attempt, where.attempt),
  ];
  if (where.provider) conditions.push(eq(providerAttempts.provider, where.provider));
  if (where.providerReference) {
    conditions.push(eq(providerAttempts.providerReference, where.providerReference));
  }
  // A closed or declined attempt stays so: news about it cannot reopen it.
  conditions.push(sql`${providerAttempts.status} not in ('closed')`);
  await db
    .update(providerAttempts)
    .set({
      status: change.status,
      ...(change.providerReference !== undefined && {
        providerReference: change.providerReference,
      }),
      ...(change.failureCode !== undefined && { failureCode: change.failureCode }),
      ...(change.failureReason !== undefined && { failureReason: change.failureReason }),
      updatedAt: new Date(),
    })
    .where(and(...conditions));
}

/** The attempt a provider's reference belongs to (for webhooks, which carry only that). */
export async function attemptByReference(
  db: DbOrTx,
  scope: Scope,
  provider: ProviderId,
  reference: string,
): Promise<ProviderAttempt | null> {
  const [row] = await db
    .select()
    .from(providerAttempts)
    .where(
      and(
        tenantWhere(providerAttempts, scope),
        eq(providerAttempts.provider, provider),
        eq(providerAttempts.providerReference, reference),
      ),
    )
    .limit(1);
  return row ?? null;
}

/** The provider holding a submission: its last attempt that is not closed or declined. */
export async function holdingAttempt(
  db: DbOrTx,
  scope: Scope,
  payoutId: string,
  attempt: number,
): Promise<ProviderAttempt | null> {
  const [row] = await db
    .select()
    .from(providerAttempts)
    .where(
      and(
        tenantWhere(providerAttempts, scope),
        eq(providerAttempts.payoutId, payoutId),
        eq(providerAttempts.attempt, attempt),
        inArray(providerAttempts.status, ["submitting", "accepted", "paid", "returned"]),
      ),
    )
    .orderBy(sql`${providerAttempts.position} desc`)
    .limit(1);
  return row ?? null;
}
