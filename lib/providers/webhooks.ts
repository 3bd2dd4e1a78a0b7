import { and, asc, eq, isNull, lt } from "drizzle-orm";
import { z } from "zod";
import type { DbOrTx } from "@/db/client";
import { type ProviderId, providerEvents } from "@/db/schema";
import { modeEnum } from "@/db/schema/columns";
import { type Scope, tenantWhere } from "@/db/scope";
import { inTransaction } from "@/db/transaction";
import { recordEvent } from "@/lib/events/outbox";
import { newId } from "@/lib/ids";
import { deposit, getAccountBalance } from "@/lib/ledger";
import { currencySchema } from "@/lib/money";
import { applyPayoutEvent } from "@/lib/payouts/machine";
import { type ProviderOutcome, recordProviderOutcome } from "@/lib/payouts/submission";
import { attemptByReference } from "./attempts";
import { loadLiveProviders, providerIdSchema } from "./credentials";
import { isProviderFailureCode } from "./reasons";
import { type LivePayoutProvider, payoutIdOfSubmission, WebhookSignatureError } from "./types";

const scopeSchema = z.object({
  organisation: z.string().regex(/^org_[0-9a-z]+$/),
  mode: z.enum(modeEnum.enumValues),
});

export type WebhookReceipt =
  | {
      status: 200;
      body: { received: true; duplicate: boolean };
      eventId: string | null;
      scope: Scope;
    }
  | { status: 400 | 404; body: { error: string } };

/** The URL a provider is told to send its webhooks to for one organisation and mode. */
export function providerWebhookPath(provider: ProviderId, scope: Scope): string {
  return `/api/providers/${provider}/webhooks?organisation=${scope.organisationId}&mode=${scope.mode}`;
}

/**
 * Takes a provider webhook in: verifies its signature with the organisation's
 * credentials for that provider (the URL says which organisation and mode), records the
 * raw event once (the provider's event id keys it), and says whether it is new. Nothing
 * is written for a bad signature, an unknown organisation or an unconnected provider.
 * Applying it is the background's job (`applyProviderEvent`), so the answer is quick.
 */
export async function receiveProviderWebhook(
  db: DbOrTx,
  input: {
    provider: string;
    searchParams: URLSearchParams;
    headers: Headers;
    rawBody: string;
    adapters?: Partial<Record<ProviderId, LivePayoutProvider>>;
  },
): Promise<WebhookReceipt> {
  const provider = providerIdSchema.safeParse(input.provider);
  const target = scopeSchema.safeParse(Object.fromEntries(input.searchParams));
  if (!provider.success || !target.success) return { status: 404, body: { error: "not_found" } };
  const scope: Scope = { organisationId: target.data.organisation, mode: target.data.mode };
  const adapter = (input.adapters ?? (await loadLiveProviders(db, scope)))[provider.data];
  if (!adapter) return { status: 404, body: { error: "not_found" } };
  let event: Awaited<ReturnType<LivePayoutProvider["parseWebhook"]>>;
  try {
    event = await adapter.parseWebhook({ headers: input.headers, rawBody: input.rawBody });
  } catch (error) {
    if (error instanceof WebhookSignatureError || error instanceof SyntaxError) {
      return { status: 400, body: { error: "invalid_signature" } };
    }
    throw error;
  }
  const effect = JSON.parse(
    JSON.stringify(event.effect, (_, v) => (typeof v === "bigint" ? v.toString() : v)),
  ) as Record<string, unknown>;
  const [row] = await db
    .insert(providerEvents)
    .values({
      id: newId("providerEvent"),
      ...scope,
      provider: provider.data,
      providerEventId: event.id,
      type: event.type,
      payload: event.payload,
      effect,
    })
    .onConflictDoNothing()
    .returning({ id: providerEvents.id });
  return {
    status: 200,
    body: { received: true, duplicate: !row },
    eventId: row?.id ?? null,
    scope,
  };
}

const payoutEffectSchema = z.object({
  kind: z.literal("payout"),
  providerReference: z.string().nullable(),
  submissionId: z.string().nullable(),
  status: z.enum(["processing", "paid", "failed", "returned"]),
  failureCode: z.string().optional(),
  failureReason: z.string().optional(),
});
const fundingEffectSchema = z.object({
  kind: z.literal("funding"),
  fundingId: z.string(),
  amount: z.coerce.bigint(),
  currency: currencySchema,
});

/** Which submission an event is about: by the provider's reference, else by our submission id. */
async function submissionOf(
  db: DbOrTx,
  scope: Scope,
  provider: ProviderId,
  effect: z.infer<typeof payoutEffectSchema>,
): Promise<{ payoutId: string; attempt: number } | null> {
  if (effect.providerReference) {
    const attempt = await attemptByReference(db, scope, provider, effect.providerReference);
    if (attempt) return { payoutId: attempt.payoutId, attempt: attempt.attempt };
  }
  if (!effect.submissionId) return null;
  const number = /_attempt_(\d+)$/.exec(effect.submissionId)?.[1];
  return {
    payoutId: payoutIdOfSubmission(effect.submissionId),
    attempt: number ? Number(number) : 1,
  };
}

/**
 * Applies one recorded provider event through the payout machine (paid → settle,
 * failed → fail, returned → return, for that submission attempt only) or, for a settled
 * top-up, credits `available` once under the provider's id. Safe to repeat and to take
 * out of order: a return that arrives before the payment it undoes first settles it;
 * news about an earlier attempt moves nothing.
 */
export async function applyProviderEvent(
  db: DbOrTx,
  scope: Scope,
  eventId: string,
): Promise<string> {
  const [row] = await db
    .select()
    .from(providerEvents)
    .where(and(tenantWhere(providerEvents, scope), eq(providerEvents.id, eventId)));
  if (!row) return "not_found";
  if (row.processedAt) return row.outcome ?? "done";
  const outcome = await outcomeOf(db, scope, row);
  await db
    .update(providerEvents)
    .set({ processedAt: new Date(), outcome })
    .where(eq(providerEvents.id, row.id));
  return outcome;
}

async function outcomeOf(
  db: DbOrTx,
  scope: Scope,
  row: typeof providerEvents.$inferSelect,
): Promise<string> {
  const funding = fundingEffectSchema.safeParse(row.effect);
  if (funding.success) return creditFunding(db, scope, row.provider, funding.data);
  const effect = payoutEffectSchema.safeParse(row.effect);
  if (!effect.success) return "ignored";
  const submission = await submissionOf(db, scope, row.provider, effect.data);
  if (!submission) return "unknown_reference";
  const failureCode = isProviderFailureCode(effect.data.failureCode)
    ? effect.data.failureCode
    : undefined;
  const outcome: ProviderOutcome = {
    status: effect.data.status,
    providerReference: effect.data.providerReference ?? effect.data.submissionId ?? "",
    failureCode,
    failureReason: effect.data.failureReason,
  } as ProviderOutcome;
  if (effect.data.status === "returned") {
    // A return can overtake the payment it undoes: the payout is paid first, then returned.
    await applyPayoutEvent(db, scope, submission.payoutId, "settle", {
      actor: "provider",
      attempt: submission.attempt,
      changes: { providerReference: outcome.providerReference },
    });
  }
  const status = await recordProviderOutcome(db, scope, submission, outcome);
  return status ?? "unknown_reference";
}

async function creditFunding(
  db: DbOrTx,
  scope: Scope,
  provider: ProviderId,
  funding: z.infer<typeof fundingEffectSchema>,
): Promise<string> {
  if (scope.mode !== "live") return "ignored";
  return inTransaction(db, async (tx) => {
    const posted = await deposit(tx, scope, {
      currency: funding.currency,
      amount: funding.amount,
      idempotencyKey: `funding:${provider}:${funding.fundingId}`,
      description: `${provider} top-up ${funding.fundingId}`,
    });
    if (posted.replayed) return "funding_duplicate";
    const available = await getAccountBalance(tx, scope, {
      currency: funding.currency,
      kind: "available",
    });
    await recordEvent(tx, scope, "balance.funded", {
      currency: funding.currency,
      amount: funding.amount,
      available: available.spendable,
      transaction_id: posted.transactionId,
    });
    return "funding_credited";
  });
}

/** Events recorded but not applied after `olderThanMs` (the nudge to the background was lost). */
export async function unappliedProviderEvents(db: DbOrTx, olderThanMs = 60_000, limit = 500) {
  return db
    .select({
      id: providerEvents.id,
      organisationId: providerEvents.organisationId,
      mode: providerEvents.mode,
    })
    .from(providerEvents)
    .where(
      and(
        isNull(providerEvents.processedAt),
        lt(providerEvents.receivedAt, new Date(Date.now() - olderThanMs)),
      ),
    )
    .orderBy(asc(providerEvents.receivedAt))
    .limit(limit);
}
