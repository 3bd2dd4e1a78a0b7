import { and, eq } from "drizzle-orm";
import { describe, expect, it } from "vitest";
import { db } from "@/db/client";
import { payouts, providerEvents } from "@/db/schema";
import { getBalances } from "@/lib/ledger";
import { getPayout } from "@/lib/payouts/queries";
import {
  pollProviderPayouts,
  STALLED_SUBMISSION_MS,
  type Submission,
  startSubmission,
  submitToProvider,
} from "@/lib/payouts/submission";
import { payoutAttempts } from "@/lib/providers/attempts";
import {
  claimedLivePayout,
  deliverWebhook,
  liveOrganisation,
  type ProviderDoubles,
  providerEventCount,
  statusOf,
  submitClaimed,
  withProviderDoubles,
} from "./live-fixtures";

let doubles: ProviderDoubles;
withProviderDoubles((started) => {
  doubles = started;
});

const submit = submitClaimed;

const paypalTo = (email: string) => ({ account: email, accountType: "email" });

describe("a crash after the provider accepted and before we recorded it", () => {
  it("ends paid after restart, with exactly one payment at the provider", async () => {
    const { scope } = await liveOrganisation(db);
    const payout = await claimedLivePayout(db, scope, {
      amount: 2_200,
      method: "gift_card",
      details: { brand: "amazon" },
    });
    // The worker moved the payout to processing and Tremendous took the order; then it
    // died before writing down the answer.
    const submission = await startSubmission(db, scope, payout.id);
    expect(submission).toEqual({ payoutId: payout.id, attempt: 1 });
    const answer = await submitToProvider(db, scope, submission as Submission);
    expect(answer).toMatchObject({ status: "processing" });
    expect((await getPayout(db, scope, payout.id))?.providerReference).toBeNull();

    // The start-up sweep resumes every unanswered submission, under the same id.
    const resumed = await pollProviderPayouts(db, { resume: true });
    expect(resumed.failures).toEqual([]);
    const ordersForPayout = [...doubles.tremendous.orders.values()].filter(
      (o) => o.external_id === payout.id,
    );
    expect(ordersForPayout).toHaveLength(1);
    await deliverWebhook(
      db,
      scope,
      "tremendous",
      doubles.tremendous.deliver(payout.id, "SUCCEEDED"),
    );
    expect(await statusOf(db, scope, payout.id)).toBe("paid");
  });

  it("is resumed by the minute's sweep too, once the submission is older than the stall window", async () => {
    const { scope } = await liveOrganisation(db);
    const payout = await claimedLivePayout(db, scope, {
      amount: 2_300,
      method: "gift_card",
      details: {},
    });
    await startSubmission(db, scope, payout.id);
    await pollProviderPayouts(db, { now: new Date(Date.now() + STALLED_SUBMISSION_MS / 2) });
    expect((await getPayout(db, scope, payout.id))?.providerReference).toBeNull();
    // Within a minute of the restart (the stall window is 30 s), not ten.
    expect(STALLED_SUBMISSION_MS).toBeLessThanOrEqual(30_000);
    await pollProviderPayouts(db, { now: new Date(Date.now() + STALLED_SUBMISSION_MS + 1_000) });
    expect((await getPayout(db, scope, payout.id))?.providerReference).toMatch(/^ORD/);
  });
});

describe("failover", () => {
  it("fails over to the next provider when the first is down and holds nothing: paid exactly once", async () => {
    const { scope } = await liveOrganisation(db, { routes: { paypal: ["tremendous", "paypal"] } });
    doubles.tremendous.fail("POST /api/v2/orders", { status: 503, when: "before", times: 5 });
    const payout = await claimedLivePayout(db, scope, {
      amount: 1_800,
      method: "paypal",
      details: paypalTo("fo1@example.com"),
    });
    const run = await submit(scope, payout);
    expect(run.result).toMatchObject({ status: "processing" });
    expect(doubles.tremendous.payments().filter((o) => o.external_id === payout.id)).toHaveLength(
      0,
    );
    expect(
      doubles.paypal.payments().filter((i) => i.payout_item.sender_item_id === payout.id),
    ).toHaveLength(1);
    expect(
      (await payoutAttempts(db, scope, payout.id)).map((a) => [
        a.provider,
        a.status,
        a.failureCode,
      ]),
    ).toEqual([
      ["tremendous", "closed", "provider_unavailable"],
      ["paypal", "accepted", null],
    ]);
    await deliverWebhook(db, scope, "paypal", doubles.paypal.webhookFor(payout.id));
    expect(await statusOf(db, scope, payout.id)).toBe("paid");
    doubles.recover();
  });

  it("does not fail over when the provider took the payout before failing to answer", async () => {
    const { scope } = await liveOrganisation(db, { routes: { paypal: ["tremendous", "paypal"] } });
    doubles.tremendous.fail("POST /api/v2/orders", { status: 503, when: "after", times: 1 });
    const payout = await claimedLivePayout(db, scope, {
      amount: 1_900,
      method: "paypal",
      details: paypalTo("fo2@example.com"),
    });
    await submit(scope, payout);
    expect(doubles.tremendous.payments().filter((o) => o.external_id === payout.id)).toHaveLength(
      1,
    );
    expect(
      doubles.paypal.payments().filter((i) => i.payout_item.sender_item_id === payout.id),
    ).toHaveLength(0);
    expect((await payoutAttempts(db, scope, payout.id)).map((a) => [a.provider, a.status])).toEqual(
      [["tremendous", "accepted"]],
    );
    doubles.recover();
  });

  it("fails over when the first provider declines for a reason of its own", async () => {
    const { scope } = await liveOrganisation(db, { routes: { paypal: ["tremendous", "paypal"] } });
    doubles.tremendous.setBalance(0);
    const payout = await claimedLivePayout(db, scope, {
      amount: 1_700,
      method: "paypal",
      details: paypalTo("fo3@example.com"),
    });
    await submit(scope, payout);
    expect(
      (await payoutAttempts(db, scope, payout.id)).map((a) => [
        a.provider,
        a.status,
        a.failureCode,
      ]),
    ).toEqual([
      ["tremendous", "declined", "provider_insufficient_funds"],
      ["paypal", "accepted", null],
    ]);
    doubles.tremendous.setBalance(1_000_000);
  });

  it("retries the same provider, never the next, while a provider that cannot be asked is down", async () => {
    const { scope } = await liveOrganisation(db, { routes: { paypal: ["paypal", "tremendous"] } });
    doubles.paypal.fail("POST /v1/payments/payouts", { status: 503, when: "after", times: 1 });
    const payout = await claimedLivePayout(db, scope, {
      amount: 1_600,
      method: "paypal",
      details: paypalTo("fo4@example.com"),
    });
    await submit(scope, payout).catch(() => undefined);
    // PayPal cannot be asked whether it holds the batch, so the step retried PayPal itself,
    // whose PayPal-Request-Id answered the batch it had taken.
    expect(doubles.tremendous.payments().filter((o) => o.external_id === payout.id)).toHaveLength(
      0,
    );
    expect(
      doubles.paypal.payments().filter((i) => i.payout_item.sender_item_id === payout.id),
    ).toHaveLength(1);
    doubles.recover();
  });
});

describe("provider webhooks", () => {
  it("refuses a forged webhook with 400 and writes nothing", async () => {
    const { scope } = await liveOrganisation(db);
    const payout = await claimedLivePayout(db, scope, {
      amount: 1_200,
      method: "gift_card",
      details: {},
    });
    await submit(scope, payout);
    const genuine = doubles.tremendous.deliver(payout.id, "SUCCEEDED");
    const forged = {
      headers: genuine.headers,
      rawBody: genuine.rawBody.replace("SUCCEEDED", "FAILED"),
    };
    const { receipt } = await deliverWebhook(db, scope, "tremendous", forged);
    expect(receipt.status).toBe(400);
    expect(await providerEventCount(db, scope)).toBe(0);
    expect(await statusOf(db, scope, payout.id)).toBe("processing");
    // Signed for another organisation's key: the same.
    const other = await liveOrganisation(db);
    const stripeEvent = doubles.stripe.signed("payout.paid", { id: "po_x" }, "acct_x");
    const wrongKey = {
      headers: new Headers({ "stripe-signature": "t=1,v1=00" }),
      rawBody: stripeEvent.rawBody,
    };
    expect((await deliverWebhook(db, other.scope, "stripe", wrongKey)).receipt.status).toBe(400);
  });

  it("records a replayed webhook once and changes nothing the second time", async () => {
    const { scope } = await liveOrganisation(db);
    const payout = await claimedLivePayout(db, scope, {
      amount: 1_300,
      method: "gift_card",
      details: {},
    });
    await submit(scope, payout);
    const event = doubles.tremendous.deliver(payout.id, "SUCCEEDED");
    const first = await deliverWebhook(db, scope, "tremendous", event);
    const before = await getBalances(db, scope);
    const again = await deliverWebhook(db, scope, "tremendous", event);
    expect(first.receipt.body).toEqual({ received: true, duplicate: false });
    expect(again.receipt.body).toEqual({ received: true, duplicate: true });
    expect(again.outcome).toBeNull();
    expect(await getBalances(db, scope)).toEqual(before);
    expect(await providerEventCount(db, scope)).toBe(1);
  });

  it("settles a payout whose paid webhook arrives before we recorded the provider's answer", async () => {
    const { scope } = await liveOrganisation(db);
    const payout = await claimedLivePayout(db, scope, {
      amount: 1_400,
      method: "paypal",
      details: paypalTo("early@example.com"),
    });
    const submission = await startSubmission(db, scope, payout.id);
    await submitToProvider(db, scope, submission as Submission);
    // The webhook comes first: no reference on file yet, found by our submission id.
    const { receipt, outcome } = await deliverWebhook(
      db,
      scope,
      "paypal",
      doubles.paypal.webhookFor(payout.id),
    );
    expect(receipt).toMatchObject({ status: 200 });
    expect(outcome).toBe("paid");
    // The late answer of the submission changes nothing.
    await pollProviderPayouts(db, { resume: true });
    expect(await statusOf(db, scope, payout.id)).toBe("paid");
    expect(
      doubles.paypal.payments().filter((i) => i.payout_item.sender_item_id === payout.id),
    ).toHaveLength(1);
  });

  it("takes a return that arrives before the payment it undoes: paid, then returned", async () => {
    const { scope } = await liveOrganisation(db);
    doubles.paypal.receiver("slow@example.com", "unclaimed");
    const payout = await claimedLivePayout(db, scope, {
      amount: 1_500,
      method: "paypal",
      details: paypalTo("slow@example.com"),
    });
    await submit(scope, payout);
    const { outcome } = await deliverWebhook(
      db,
      scope,
      "paypal",
      doubles.paypal.returnUnclaimed(payout.id),
    );
    expect(outcome).toBe("returned");
    const balances = (await getBalances(db, scope)).find((b) => b.currency === "USD");
    expect(balances).toMatchObject({ reserved: 1_500n, inTransit: 0n, paidOut: 0n });
  });

  it("ignores news about an earlier attempt", async () => {
    const { scope } = await liveOrganisation(db);
    const payout = await claimedLivePayout(db, scope, {
      amount: 1_600,
      method: "gift_card",
      details: {},
    });
    await submit(scope, payout);
    const failed = await deliverWebhook(
      db,
      scope,
      "tremendous",
      doubles.tremendous.deliver(payout.id, "FAILED"),
    );
    expect(failed.outcome).toBe("failed");
    await db
      .update(payouts)
      .set({ status: "processing", attempt: 2 })
      .where(and(eq(payouts.id, payout.id)));
    const stale = await deliverWebhook(
      db,
      scope,
      "tremendous",
      doubles.tremendous.deliver(payout.id, "SUCCEEDED"),
    );
    expect(stale.outcome).toBe("processing");
    const rows = await db
      .select()
      .from(providerEvents)
      .where(eq(providerEvents.organisationId, scope.organisationId));
    expect(rows.map((r) => r.outcome).sort()).toEqual(["failed", "processing"]);
  });
});
