import { InngestTestEngine } from "@inngest/test";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { db } from "@/db/client";
import type { Scope } from "@/db/scope";
import { submitPayout } from "@/inngest/functions/submit-payout";
import { listEvents } from "@/lib/events/queries";
import type { PayoutRow } from "@/lib/payouts/machine";
import { serializePayout } from "@/lib/payouts/serialize";
import { type Submission, startSubmission, submitToProvider } from "@/lib/payouts/submission";
import { loadLiveProviders } from "@/lib/providers/credentials";
import {
  dayRange,
  listReconciliationExceptions,
  reconcileProviderDay,
} from "@/lib/providers/reconciliation";
import { type EventSink, eventOf, startEventSink } from "@/tests/functions/harness";
import {
  claimedLivePayout,
  deliverWebhook,
  liveOrganisation,
  type ProviderDoubles,
  startProviderDoubles,
} from "./live-fixtures";

let doubles: ProviderDoubles;
let sink: EventSink;
beforeAll(async () => {
  doubles = await startProviderDoubles();
  sink = await startEventSink();
});
afterAll(async () => {
  expect(doubles.nonConforming()).toEqual([]);
  await sink.close();
  await doubles.close();
});

async function paidGiftCard(scope: Scope, amount: number): Promise<PayoutRow> {
  const payout = await claimedLivePayout(db, scope, { amount, method: "gift_card", details: {} });
  const event = eventOf("payout.claimed", {
    organisation_id: scope.organisationId,
    mode: scope.mode,
    object: serializePayout(payout),
    previous_status: "claimable",
    reason: null,
  });
  await new InngestTestEngine({ function: submitPayout, events: [event] }).execute();
  await deliverWebhook(db, scope, "tremendous", doubles.tremendous.deliver(payout.id, "SUCCEEDED"));
  return payout;
}

const today = () => new Date().toISOString().slice(0, 10);

async function reconcile(scope: Scope, period = today()) {
  const adapters = await loadLiveProviders(db, scope);
  return reconcileProviderDay(
    db,
    scope,
    "tremendous",
    adapters.tremendous as NonNullable<typeof adapters.tremendous>,
    period,
  );
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
    const byKind = Object.fromEntries(page.data.map((e) => [e.kind, e]));
    expect(Object.keys(byKind).sort()).toEqual([
      "amount_mismatch",
      "duplicate_at_provider",
      "missing_at_provider",
      "missing_in_ledger",
      "status_mismatch",
    ]);
    expect(byKind.missing_at_provider).toMatchObject({
      payoutId: missing.id,
      ledgerAmount: 1_100n,
    });
    expect(byKind.amount_mismatch).toMatchObject({
      payoutId: changed.id,
      ledgerAmount: 1_200n,
      providerAmount: 1_300n,
    });
    expect(byKind.status_mismatch).toMatchObject({ payoutId: disputed.id });
    expect(byKind.duplicate_at_provider).toMatchObject({ payoutId: doubled.id });
    expect(byKind.missing_in_ledger).toMatchObject({ payoutId: null, providerAmount: 999n });
    expect(page.data.some((e) => e.payoutId === clean.id)).toBe(false);

    // A rerun of the day stores nothing new.
    expect(await reconcile(scope)).toEqual({ exceptions: 5, new: 0 });
    const logged = await listEvents(db, scope, { limit: 50, types: ["reconciliation.exception"] });
    expect(logged.data).toHaveLength(5);
  });
});
