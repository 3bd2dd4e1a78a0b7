import { and, desc, eq, gte, lt, ne, type SQL } from "drizzle-orm";
import type { DbOrTx } from "@/db/client";
import { type Page, splitPage } from "@/db/paging";
import {
  type ProviderId,
  payouts,
  providerAttempts,
  providerCredentials,
  type ReconciliationExceptionKind,
  reconciliationExceptions,
} from "@/db/schema";
import { type Scope, tenantWhere } from "@/db/scope";
import { inTransaction } from "@/db/transaction";
import { recordEvents } from "@/lib/events/outbox";
import { newIds } from "@/lib/ids";
import type { LivePayoutProvider, PollResult, ProviderRecord } from "./types";

export type ReconciliationException = typeof reconciliationExceptions.$inferSelect;

const DAY_MS = 86_400_000;
/** Records created this close to the day's edges may belong to the neighbouring day's submissions. */
const EDGE_MS = 3_600_000;

/** The UTC day `YYYY-MM-DD` as a half-open range. */
export function dayRange(period: string): { from: Date; to: Date } {
  const from = new Date(`${period}T00:00:00.000Z`);
  if (Number.isNaN(from.getTime()) || !/^\d{4}-\d{2}-\d{2}$/.test(period)) {
    throw new Error(`Not a day: ${period}`);
  }
  return { from, to: new Date(from.getTime() + DAY_MS) };
}

export function previousDay(now = new Date()): string {
  return new Date(now.getTime() - DAY_MS).toISOString().slice(0, 10);
}

type Expected = {
  payoutId: string;
  attempt: number;
  submissionId: string;
  providerReference: string | null;
  amount: bigint;
  currency: string;
  /** Where the money is by our books: the payout's status for its current submission, else the attempt's. */
  status: PollResult["status"];
  createdAt: Date;
};

type Found = Omit<
  ReconciliationException,
  "id" | "organisationId" | "mode" | "provider" | "period" | "createdAt"
>;

/** Our books' word for a submission, in the provider's terms. */
function ourStatus(
  attemptStatus: string,
  payoutStatus: string,
  current: boolean,
): PollResult["status"] {
  const status = current ? payoutStatus : attemptStatus;
  switch (status) {
    case "paid":
    case "returned":
      return status;
    case "failed":
    case "declined":
    case "closed":
      return "failed";
    default:
      return "processing";
  }
}

/** What our ledger says went to `provider` on the day: each submission it holds, its amount and state. */
async function expectedSubmissions(
  db: DbOrTx,
  scope: Scope,
  provider: ProviderId,
  range: { from: Date; to: Date },
): Promise<Expected[]> {
  const rows = await db
    .select({
      payoutId: providerAttempts.payoutId,
      attempt: providerAttempts.attempt,
      submissionId: providerAttempts.submissionId,
      providerReference: providerAttempts.providerReference,
      amount: providerAttempts.amount,
      currency: providerAttempts.currency,
      attemptStatus: providerAttempts.status,
      payoutStatus: payouts.status,
      payoutAttempt: payouts.attempt,
      createdAt: providerAttempts.createdAt,
    })
    .from(providerAttempts)
    .innerJoin(payouts, eq(payouts.id, providerAttempts.payoutId))
    .where(
      and(
        tenantWhere(providerAttempts, scope),
        eq(providerAttempts.provider, provider),
        // Closed attempts were checked empty at the provider; declined ones moved no money.
        ne(providerAttempts.status, "closed"),
        ne(providerAttempts.status, "declined"),
        gte(providerAttempts.createdAt, range.from),
        lt(providerAttempts.createdAt, range.to),
      ),
    );
  return rows.map((r) => ({
    ...r,
    status: ourStatus(r.attemptStatus, r.payoutStatus, r.payoutAttempt === r.attempt),
  }));
}

/**
 * The two sides disagree about where the money is: the provider has finished with it
 * (paid, failed, returned) and our books say otherwise. A provider still working on it
 * is no disagreement.
 */
function statusesDisagree(ours: PollResult["status"], theirs: PollResult["status"]): boolean {
  return ours !== theirs && theirs !== "processing";
}

/**
 * Compares one provider's records of a day with our books and returns every difference:
 * a submission the provider has no record of (`missing_at_provider`), a record no
 * submission of ours explains (`missing_in_ledger`), the same submission paid twice
 * (`duplicate_at_provider`), a different amount or currency (`amount_mismatch`), and
 * paid/failed/returned disagreeing (`status_mismatch`). A submission the provider
 * deduplicated (the same id sent twice, one record) is not an exception.
 */
export async function compareWithProvider(
  db: DbOrTx,
  scope: Scope,
  provider: ProviderId,
  period: string,
  records: AsyncIterable<ProviderRecord[]>,
): Promise<Found[]> {
  const day = dayRange(period);
  const expected = await expectedSubmissions(db, scope, provider, {
    from: new Date(day.from.getTime() - EDGE_MS),
    to: new Date(day.to.getTime() + EDGE_MS),
  });
  const bySubmission = new Map(expected.map((e) => [e.submissionId, e]));
  const byReference = new Map(
    expected.filter((e) => e.providerReference).map((e) => [e.providerReference as string, e]),
  );
  const seen = new Map<Expected, ProviderRecord>();
  const found: Found[] = [];
  const blank = {
    payoutId: null,
    providerReference: null,
    currency: null,
    ledgerAmount: null,
    providerAmount: null,
  };
  for await (const page of records) {
    for (const record of page) {
      const inDay = record.createdAt >= day.from && record.createdAt < day.to;
      const ours =
        (record.submissionId ? bySubmission.get(record.submissionId) : undefined) ??
        byReference.get(record.providerReference);
      if (!ours) {
        if (inDay) {
          found.push({
            ...blank,
            kind: "missing_in_ledger",
            providerReference: record.providerReference,
            currency: record.currency,
            providerAmount: record.amount,
            details: `${provider} paid ${record.amount} ${record.currency} (${record.submissionId ?? "no reference of ours"}) that no submission of ours explains.`,
          });
        }
        continue;
      }
      const earlier = seen.get(ours);
      if (earlier && earlier.providerReference !== record.providerReference) {
        found.push({
          ...blank,
          kind: "duplicate_at_provider",
          payoutId: ours.payoutId,
          providerReference: record.providerReference,
          currency: record.currency,
          ledgerAmount: ours.amount,
          providerAmount: record.amount,
          details: `${provider} holds ${earlier.providerReference} and ${record.providerReference} for submission ${ours.submissionId}.`,
        });
        continue;
      }
      seen.set(ours, record);
      if (record.amount !== ours.amount || record.currency !== ours.currency) {
        found.push({
          ...blank,
          kind: "amount_mismatch",
          payoutId: ours.payoutId,
          providerReference: record.providerReference,
          currency: ours.currency,
          ledgerAmount: ours.amount,
          providerAmount: record.amount,
          details: `Our ledger moved ${ours.amount} ${ours.currency}; ${provider} shows ${record.amount} ${record.currency}.`,
        });
      }
      if (statusesDisagree(ours.status, record.status)) {
        found.push({
          ...blank,
          kind: "status_mismatch",
          payoutId: ours.payoutId,
          providerReference: record.providerReference,
          currency: ours.currency,
          ledgerAmount: ours.amount,
          providerAmount: record.amount,
          details: `Our books say ${ours.status}; ${provider} says ${record.status}.`,
        });
      }
    }
  }
  for (const ours of expected) {
    const inDay = ours.createdAt >= day.from && ours.createdAt < day.to;
    if (inDay && !seen.has(ours) && ours.status !== "failed") {
      found.push({
        ...blank,
        kind: "missing_at_provider",
        payoutId: ours.payoutId,
        providerReference: ours.providerReference ?? ours.submissionId,
        currency: ours.currency,
        ledgerAmount: ours.amount,
        details: `Submission ${ours.submissionId} (${ours.amount} ${ours.currency}) is ${ours.status} in our books; ${provider} has no record of it.`,
      });
    }
  }
  return found;
}

/**
 * Reconciles one provider's day for one organisation: the differences are stored once
 * (a rerun of the day adds nothing new) and each new one is written to the event log as
 * `reconciliation.exception`.
 */
export async function reconcileProviderDay(
  db: DbOrTx,
  scope: Scope,
  provider: ProviderId,
  adapter: Pick<LivePayoutProvider, "listRecords">,
  period: string,
): Promise<{ exceptions: number; new: number }> {
  const day = dayRange(period);
  const records = adapter.listRecords({
    from: new Date(day.from.getTime() - EDGE_MS),
    to: new Date(day.to.getTime() + EDGE_MS),
  });
  const found = await compareWithProvider(db, scope, provider, period, records);
  if (found.length === 0) return { exceptions: 0, new: 0 };
  const ids = newIds("reconciliationException", found.length);
  const inserted = await inTransaction(db, async (tx) => {
    const rows = await tx
      .insert(reconciliationExceptions)
      .values(found.map((f, i) => ({ ...f, id: ids[i] as string, ...scope, provider, period })))
      .onConflictDoNothing()
      .returning();
    await recordEvents(
      tx,
      scope,
      rows.map((r) => ({
        type: "reconciliation.exception" as const,
        data: {
          id: r.id,
          provider: r.provider,
          kind: r.kind,
          period: r.period,
          payout_id: r.payoutId,
          provider_reference: r.providerReference,
          currency: r.currency,
          ledger_amount: r.ledgerAmount,
          provider_amount: r.providerAmount,
          details: r.details,
        },
      })),
    );
    return rows.length;
  });
  return { exceptions: found.length, new: inserted };
}

/** Every organisation and provider with live credentials: what the daily run reconciles. */
export async function reconciliationTargets(db: DbOrTx) {
  return db
    .select({
      organisationId: providerCredentials.organisationId,
      mode: providerCredentials.mode,
      provider: providerCredentials.provider,
    })
    .from(providerCredentials)
    .where(eq(providerCredentials.mode, "live"));
}

export type ReconciliationExceptionQuery = {
  /** Exceptions of days in [from, to), `YYYY-MM-DD`. */
  from?: string;
  to?: string;
  provider?: ProviderId;
  kind?: ReconciliationExceptionKind;
  limit: number;
  /** An exception id: the page after it (newest first). */
  startingAfter?: string;
};

/**
 * The reconciliation exceptions of an organisation and mode, newest first, one page at a
 * time: what the dashboard lists and the reports' `reconciliation` CSV reads.
 */
export async function listReconciliationExceptions(
  db: DbOrTx,
  scope: Scope,
  query: ReconciliationExceptionQuery,
): Promise<Page<ReconciliationException>> {
  const conditions: SQL[] = [tenantWhere(reconciliationExceptions, scope)];
  if (query.from) conditions.push(gte(reconciliationExceptions.period, query.from));
  if (query.to) conditions.push(lt(reconciliationExceptions.period, query.to));
  if (query.provider) conditions.push(eq(reconciliationExceptions.provider, query.provider));
  if (query.kind) conditions.push(eq(reconciliationExceptions.kind, query.kind));
  if (query.startingAfter) conditions.push(lt(reconciliationExceptions.id, query.startingAfter));
  const rows = await db
    .select()
    .from(reconciliationExceptions)
    .where(and(...conditions))
    .orderBy(desc(reconciliationExceptions.id))
    .limit(query.limit + 1);
  return splitPage(rows, query.limit);
}
