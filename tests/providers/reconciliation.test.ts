import { InngestTestEngine } from "@inngest/test";
import { describe, expect, it } from "vitest";
import { db } from "@/db/client";
import type { ProviderId } from "@/db/schema";
import type { Scope } from "@/db/scope";
import { requestDailyReconciliation } from "@/inngest/functions/reconcile-providers";
import { submitPayout } from "@/inngest/functions/submit-payout";
import { listEvents } from "@/lib/events/queries";
import type { PayoutRow } from "@/lib/payouts/machine";
import { serializePayout } from "@/lib/payouts/serialize";
import { type Submission, startSubmission, submitToProvider } from "@/lib/payouts/submission";
import { loadLiveProviders } from "@/lib/providers/credentials";
import {
  dayRange,
  listReconciliationExceptions,
  previousDay,
  reconcileProviderDay,
} from "@/lib/providers/reconciliation";
import { ProviderUnavailableError } from "@/lib/providers/types";
import { eventOf } from "@/tests/functions/harness";
import {
  claimedLivePayout,
  deliverWebhook,
  liveOrganisation,
  type ProviderDoubles,
  submitClaimed,
  withProviderDoubles,
} from "./live-fixtures";

let doubles: ProviderDoubles;
withProviderDoubles((started) => {
  doubles = started;
});

async function paidGiftCard(scope: Scope, amount: number): Promise<PayoutRow> {
  const payout = await claimedLivePayout(db, scope, { amount, method: "gift_card", details: {} });
  await submitClaimed(scope, payout);
  await deliverWebhook(db, scope, "tremendous", doubles.tremendous.deliver(payout.id, "SUCCEEDED"));
  return payout;
}

const today = () => new Date().toISOString().slice(0, 10);

async function reconcile(scope: Scope, period = today(), provider: ProviderId = "tremendous") {
  const adapters = await loadLiveProviders(db, scope);
  return reconcileProviderDay(
    db,
    scope,
    provider,
    adapters[provider] as NonNullable<(typeof adapters)[ProviderId]>,
    period,
  );
}

/** A PayPal payout submitted and settled through PayPal's webhook as `status` (its item's). */
async function paypalPayout(
  scope: Scope,
  amount: number,
  receiver: { email: string; behaviour?: "success" | "unclaimed" } = {
    email: `r${Math.random().toString(36).slice(2, 8)}@example.com`,
  },
): Promise<PayoutRow> {
  doubles.paypal.receiver(receiver.email, receiver.behaviour ?? "success");
  const payout = await claimedLivePayout(db, scope, {
    amount,
    method: "paypal",
    details: { account: receiver.email, accountType: "email" },
  });
  const event = eventOf("payout.claimed", {
    organisation_id: scope.organisationId,
    mode: scope.mode,
    object: serializePayout(payout),
    previous_status: "claimable",
    reason: null,
  });
  await new InngestTestEngine({ function: submitPayout, events: [event] }).execute();
  await deliverWebhook(db, scope, "paypal", doubles.paypal.webhookFor(payout.id));
  return payout;
}

/** The pages of Transaction Search the adapter has asked for so far. */
const searchedPages = () =>
  doubles.paypal.requests
    .filter((r) => r.path === "/v1/reporting/transactions")
    .map((r) => r.query.get("page"));

type Exception = Awaited<ReturnType<typeof listReconciliationExceptions>>["data"][number];

/**
 * One exception of each kind, and the three planted the same way in every provider's
 * records: a payment lost (1,100), an amount changed (1,200 → 1,300), a status changed.
 */
function expectEachKindOnce(
  exceptions: Exception[],
  planted: { missing: { id: string }; changed: { id: string }; disputed: { id: string } },
) {
  const byKind = Object.fromEntries(exceptions.map((e) => [e.kind, e]));
  expect(Object.keys(byKind).sort()).toEqual([
    "amount_mismatch",
    "duplicate_at_provider",
    "missing_at_provider",
    "missing_in_ledger",
    "status_mismatch",
  ]);
  expect(byKind.missing_at_provider).toMatchObject({
    payoutId: planted.missing.id,
    ledgerAmount: 1_100n,
  });
  expect(byKind.amount_mismatch).toMatchObject({
    payoutId: planted.changed.id,
    ledgerAmount: 1_200n,
    providerAmount: 1_300n,
  });
  expect(byKind.status_mismatch).toMatchObject({ payoutId: planted.disputed.id });
  return byKind;
}

describe("daily reconciliation against the provider's records", () => {
  it("finds nothing on a clean month, including a retried submission the provider deduplicated", async () => {
    const { scope } = await liveOrganisation(db);
    for (const amount of [1_000, 2_000, 3_000]) await paidGiftCard(scope, amount);
    // A submission sent twice (a retry after a crash): Tremendous answers the first order.
    const retried = await claimedLivePayout(db, scope, {
      amount: 4_000,
      method: "gift_card",
      details: {},
    });
    const submission = (await startSubmission(db, scope, retried.id)) as Submission;
    await submitToProvider(db, scope, submission);
    await submitToProvider(db, scope, submission);
    await deliverWebhook(
      db,
      scope,
      "tremendous",
      doubles.tremendous.deliver(retried.id, "SUCCEEDED"),
    );

    const start = dayRange(today()).from.getTime();
    for (let day = -29; day <= 0; day++) {
      const period = new Date(start + day * 86_400_000).toISOString().slice(0, 10);
      expect(await reconcile(scope, period)).toEqual({ exceptions: 0, new: 0 });
    }
  });

  it("finds each of the five kinds planted at the provider, stores them once and logs them", async () => {
    // Each organisation has its own Tremendous account: this one starts with no orders.
    doubles.tremendous.orders.clear();
    const { scope } = await liveOrganisation(db);
    const missing = await paidGiftCard(scope, 1_100);
    const changed = await paidGiftCard(scope, 1_200);
    const disputed = await paidGiftCard(scope, 1_300);
    const doubled = await paidGiftCard(scope, 1_400);
    const clean = await paidGiftCard(scope, 1_500);

    // missing_at_provider: the provider lost an order we paid.
    doubles.tremendous.orders.delete(doubles.tremendous.orderFor(missing.id).id);
    // amount_mismatch: the provider paid another amount.
    const changedOrder = doubles.tremendous.orderFor(changed.id);
    (changedOrder.rewards[0] as { value: { denomination: number } }).value.denomination = 13;
    // status_mismatch: the provider failed what we booked as paid.
    const disputedOrder = doubles.tremendous.orderFor(disputed.id);
    (disputedOrder.rewards[0] as { delivery: { status: string } }).delivery.status = "FAILED";
    // duplicate_at_provider: a second order for the same submission.
    const original = doubles.tremendous.orderFor(doubled.id);
    doubles.tremendous.orders.set("ORDDUPLICATE1", { ...original, id: "ORDDUPLICATE1" });
    // missing_in_ledger: an order nobody here made.
    const adapters = await loadLiveProviders(db, scope);
    await adapters.tremendous?.submit({
      payoutId: "po_not_ours_at_all",
      amount: 999n,
      currency: "USD",
      method: "gift_card",
      details: {},
      recipient: { email: "stranger@example.com", country: "US" },
    });

    const result = await reconcile(scope);
    expect(result).toEqual({ exceptions: 5, new: 5 });
    const page = await listReconciliationExceptions(db, scope, { limit: 10 });
    const byKind = expectEachKindOnce(page.data, { missing, changed, disputed });
    expect(byKind.duplicate_at_provider).toMatchObject({ payoutId: doubled.id });
    expect(byKind.missing_in_ledger).toMatchObject({ payoutId: null, providerAmount: 999n });
    expect(page.data.some((e) => e.payoutId === clean.id)).toBe(false);

    // A rerun of the day stores nothing new.
    expect(await reconcile(scope)).toEqual({ exceptions: 5, new: 0 });
    const logged = await listEvents(db, scope, { limit: 50, types: ["reconciliation.exception"] });
    expect(logged.data).toHaveLength(5);
  });
});

describe("PayPal reconciliation through Transaction Search", () => {
  it("finds nothing on a clean day across pages: paid, unclaimed, returned and a deduplicated retry", async () => {
    // Each organisation has its own PayPal account, and PayPal answers two records a page.
    doubles.paypal.transactions.length = 0;
    doubles.paypal.reporting.pageSize = 2;
    const { scope } = await liveOrganisation(db);
    for (const amount of [1_000, 2_000, 3_000]) await paypalPayout(scope, amount);
    await paypalPayout(scope, 3_500, { email: "waiting@example.com", behaviour: "unclaimed" });
    const unclaimed = await paypalPayout(scope, 4_500, {
      email: "gone@example.com",
      behaviour: "unclaimed",
    });
    await deliverWebhook(db, scope, "paypal", doubles.paypal.returnUnclaimed(unclaimed.id));
    // A submission sent twice (a retry after a crash): PayPal answers the first batch again.
    const retried = await claimedLivePayout(db, scope, {
      amount: 5_000,
      method: "paypal",
      details: { account: "retried@example.com", accountType: "email" },
    });
    const submission = (await startSubmission(db, scope, retried.id)) as Submission;
    await submitToProvider(db, scope, submission);
    await submitToProvider(db, scope, submission);
    await deliverWebhook(db, scope, "paypal", doubles.paypal.webhookFor(retried.id));

    const before = searchedPages().length;
    expect(await reconcile(scope, today(), "paypal")).toEqual({ exceptions: 0, new: 0 });
    // Six payments (the refund of the returned one is a T1115 credit, not a payment): three pages.
    expect(searchedPages().slice(before)).toEqual(["1", "2", "3"]);
    expect(doubles.paypal.transactions.map((t) => t.transaction_event_code).sort()).toEqual([
      ...Array(6).fill("T0001"),
      "T1115",
    ]);
    expect(doubles.paypal.paymentOf(unclaimed.id).transaction_status).toBe("V");
  });

  it("finds each kind planted in PayPal's records, on whatever page they fall", async () => {
    doubles.paypal.transactions.length = 0;
    doubles.paypal.reporting.pageSize = 2;
    const { scope } = await liveOrganisation(db);
    const missing = await paypalPayout(scope, 1_100);
    const changed = await paypalPayout(scope, 1_200);
    const disputed = await paypalPayout(scope, 1_300);
    const doubled = await paypalPayout(scope, 1_400);
    const clean = await paypalPayout(scope, 1_500);

    // missing_at_provider: PayPal has no payment for an item we booked as paid.
    const lost = doubles.paypal.paymentOf(missing.id);
    doubles.paypal.transactions.splice(doubles.paypal.transactions.indexOf(lost), 1);
    // amount_mismatch: PayPal paid another amount.
    doubles.paypal.paymentOf(changed.id).transaction_amount.value = "-13.00";
    // status_mismatch: PayPal denied what we booked as paid.
    doubles.paypal.paymentOf(disputed.id).transaction_status = "D";
    // duplicate_at_provider: a second payment for the same item.
    doubles.paypal.transactions.push({
      ...doubles.paypal.paymentOf(doubled.id),
      transaction_id: "7DUPLICATE00000001",
    });
    // missing_in_ledger: a payment nobody here made, with no id of ours.
    const { custom_field: _, ...stranger } = doubles.paypal.paymentOf(clean.id);
    doubles.paypal.transactions.push({
      ...stranger,
      transaction_id: "9STRANGER00000001",
      transaction_amount: { currency_code: "USD", value: "-9.99" },
    });

    const before = searchedPages().length;
    expect(await reconcile(scope, today(), "paypal")).toEqual({ exceptions: 5, new: 5 });
    expect(searchedPages().slice(before)).toEqual(["1", "2", "3"]);
    const page = await listReconciliationExceptions(db, scope, { provider: "paypal", limit: 10 });
    const byKind = expectEachKindOnce(page.data, { missing, changed, disputed });
    expect(byKind.duplicate_at_provider).toMatchObject({
      payoutId: doubled.id,
      providerReference: "7DUPLICATE00000001",
    });
    expect(byKind.missing_in_ledger).toMatchObject({
      payoutId: null,
      providerReference: "9STRANGER00000001",
      providerAmount: 999n,
    });
    expect(page.data.some((e) => e.payoutId === clean.id)).toBe(false);
  });

  it("a day PayPal's reporting has not caught up with is retried later, not read as missing payments", async () => {
    doubles.paypal.transactions.length = 0;
    const { scope } = await liveOrganisation(db);
    await paypalPayout(scope, 1_000);
    // Transaction Search lags up to three hours: the end of today is not reported yet.
    doubles.paypal.reporting.lagMs = 3 * 3_600_000;
    try {
      await expect(reconcile(scope, today(), "paypal")).rejects.toThrow(ProviderUnavailableError);
    } finally {
      doubles.paypal.reporting.lagMs = 0;
    }
    expect((await listReconciliationExceptions(db, scope, { limit: 10 })).data).toEqual([]);
  });
});

describe("the nightly request", () => {
  it("asks for one reconciliation per organisation and provider, a thousand events per send", async () => {
    // 2,500 connected providers: Inngest takes at most 5,000 events in one send.
    const targets = Array.from({ length: 2_500 }, (_, i) => ({
      organisationId: `org_${i}`,
      mode: "live" as const,
      provider: (["stripe", "paypal", "tremendous"] as const)[i % 3],
    }));
    const { result, ctx } = await new InngestTestEngine({
      function: requestDailyReconciliation,
      steps: [{ id: "find-connected-providers", handler: () => targets }],
    }).execute();

    const sends = (
      ctx.step.sendEvent as unknown as {
        mock: { calls: [string, { data: Record<string, string> }[]][] };
      }
    ).mock.calls;
    expect(sends.map(([id, events]) => [id, events.length])).toEqual([
      ["request-reconciliations-0", 1_000],
      ["request-reconciliations-1", 1_000],
      ["request-reconciliations-2", 500],
    ]);
    expect(result).toEqual({ requested: 2_500, period: previousDay() });
    // Every target asked for once, for yesterday.
    const asked = sends.flatMap(([, events]) => events.map((e) => e.data));
    expect(new Set(asked.map((d) => `${d.organisation_id}:${d.provider}`)).size).toBe(2_500);
    expect(asked.every((d) => d.period === previousDay())).toBe(true);
  });
});
