import { describe, expect, it } from "vitest";
import { db } from "@/db/client";
import type { Scope } from "@/db/scope";
import { getBalances, verifyLedger } from "@/lib/ledger";
import { movePayout, type PayoutRow } from "@/lib/payouts/machine";
import { getPayout } from "@/lib/payouts/queries";
import { payoutAttempts } from "@/lib/providers/attempts";
import { createStripeProvider } from "@/lib/providers/stripe";
import {
  claimedLivePayout,
  deliverWebhook,
  liveOrganisation,
  onboardedStripeAccount,
  type ProviderDoubles,
  statusOf,
  stripeKeys,
  submitClaimed,
  withProviderDoubles,
} from "./live-fixtures";

let doubles: ProviderDoubles;
withProviderDoubles((started) => {
  doubles = started;
});

/** The submission function's answer for a claimed payout. */
async function submit(scope: Scope, row: PayoutRow) {
  return (await submitClaimed(scope, row)).result as { status: string; attempt: number };
}

async function balance(scope: Scope) {
  const found = (await getBalances(db, scope)).find((b) => b.currency === "USD");
  if (!found) throw new Error("no USD balance");
  return found;
}

describe("Stripe Connect bank payouts", () => {
  it("claim → submit (transfer + payout) → webhook paid; the platform bears the fee", async () => {
    const { scope } = await liveOrganisation(db);
    const account = await onboardedStripeAccount(doubles, "po_onboarded_first");
    const payout = await claimedLivePayout(db, scope, {
      amount: 5_000,
      method: "us_ach",
      details: { connectedAccount: account },
    });
    expect(await submit(scope, payout)).toEqual({ status: "processing", attempt: 1 });
    const processing = (await getPayout(db, scope, payout.id)) as PayoutRow;
    expect(processing.providerReference).toMatch(new RegExp(`^${account}/po_`));
    // ACH's fixed 25-cent fee went to `fees` at submission, from `available`.
    expect(await balance(scope)).toMatchObject({ inTransit: 5_000n, fees: 25n });

    const stripePayout = processing.providerReference?.split("/")[1] as string;
    const { receipt, outcome } = await deliverWebhook(
      db,
      scope,
      "stripe",
      doubles.stripe.settle(stripePayout, "paid"),
    );
    expect(receipt.status).toBe(200);
    expect(outcome).toBe("paid");
    expect(await balance(scope)).toMatchObject({ inTransit: 0n, paidOut: 5_000n, fees: 25n });
    expect(
      [...doubles.stripe.transfers.values()].filter((t) => t.transfer_group === payout.id),
    ).toHaveLength(1);
    expect((await verifyLedger(db)).ok).toBe(true);
  });

  it("a bank that bounces a paid payout returns it: the money is held again for another pick", async () => {
    const { scope } = await liveOrganisation(db);
    const account = await onboardedStripeAccount(doubles, "po_for_bounce");
    const payout = await claimedLivePayout(db, scope, {
      amount: 7_000,
      method: "us_ach",
      details: { connectedAccount: account },
    });
    await submit(scope, payout);
    const reference = (await getPayout(db, scope, payout.id))?.providerReference as string;
    const stripePayout = reference.split("/")[1] as string;
    await deliverWebhook(db, scope, "stripe", doubles.stripe.settle(stripePayout, "paid"));
    const bounced = await deliverWebhook(
      db,
      scope,
      "stripe",
      doubles.stripe.settle(stripePayout, "failed", "account_closed"),
    );
    expect(bounced.outcome).toBe("returned");
    const row = (await getPayout(db, scope, payout.id)) as PayoutRow;
    expect(row).toMatchObject({ status: "returned", failureCode: "recipient_account_closed" });
    expect(await balance(scope)).toMatchObject({ reserved: 7_000n, paidOut: 0n, fees: 0n });
  });

  it("decline (onboarding unfinished) → failed with the recipient's reason → a gift card pays", async () => {
    const { scope } = await liveOrganisation(db);
    const account = await createStripeProvider(stripeKeys, {
      apiBaseUrl: doubles.stripe.url,
    }).createRecipientAccount({
      payoutId: "po_left_onboarding",
      email: "rosa@example.com",
      country: "US",
    });
    const payout = await claimedLivePayout(db, scope, {
      amount: 3_000,
      method: "us_ach",
      details: { connectedAccount: account },
    });
    expect(await submit(scope, payout)).toEqual({ status: "failed", attempt: 1 });
    expect(await getPayout(db, scope, payout.id)).toMatchObject({
      status: "failed",
      failureCode: "recipient_onboarding_incomplete",
    });
    expect(await balance(scope)).toMatchObject({ reserved: 3_000n, inTransit: 0n, fees: 0n });

    const picked = await movePayout(db, scope, payout.id, "claim", {
      actor: "recipient",
      changes: { method: "gift_card", methodDetails: { brand: "amazon" }, failureCode: null },
    });
    expect(await submit(scope, picked)).toMatchObject({ attempt: 2 });
    const order = doubles.tremendous.orderFor(`${payout.id}_attempt_2`);
    expect(order.rewards[0]?.value).toEqual({ denomination: 30, currency_code: "USD" });
    await deliverWebhook(
      db,
      scope,
      "tremendous",
      doubles.tremendous.deliver(`${payout.id}_attempt_2`, "SUCCEEDED"),
    );
    expect(await statusOf(db, scope, payout.id)).toBe("paid");
    expect(await balance(scope)).toMatchObject({ reserved: 0n, paidOut: 3_000n });
  });
});

describe("PayPal and Venmo payouts", () => {
  it("claim → submit → webhook paid; the recipient bears the fee, withheld from what PayPal pays", async () => {
    const { scope } = await liveOrganisation(db, { feeBearer: "recipient" });
    const payout = await claimedLivePayout(db, scope, {
      amount: 10_000,
      method: "paypal",
      details: { account: "ana@example.com", accountType: "email" },
    });
    expect(await submit(scope, payout)).toEqual({ status: "processing", attempt: 1 });
    // PayPal's 2% (200) stays with us as the fee; PayPal pays 98.00.
    const item = doubles.paypal.payments().find((i) => i.payout_item.sender_item_id === payout.id);
    expect(item?.payout_item.amount).toEqual({ value: "98.00", currency: "USD" });
    expect(await balance(scope)).toMatchObject({
      available: 990_000n,
      inTransit: 9_800n,
      fees: 200n,
    });
    const paid = await deliverWebhook(db, scope, "paypal", doubles.paypal.webhookFor(payout.id));
    expect(paid.outcome).toBe("paid");
    expect(await balance(scope)).toMatchObject({
      available: 990_000n,
      paidOut: 9_800n,
      fees: 200n,
      reserved: 0n,
    });
    expect((await verifyLedger(db)).ok).toBe(true);
  });

  it("decline (unconfirmed account) → failed with a plain reason and stable code → Venmo pays", async () => {
    const { scope } = await liveOrganisation(db);
    doubles.paypal.receiver("unconfirmed@example.com", "unconfirmed");
    const payout = await claimedLivePayout(db, scope, {
      amount: 2_000,
      method: "paypal",
      details: { account: "unconfirmed@example.com", accountType: "email" },
    });
    await submit(scope, payout);
    const failed = await deliverWebhook(db, scope, "paypal", doubles.paypal.webhookFor(payout.id));
    expect(failed.outcome).toBe("failed");
    expect(await getPayout(db, scope, payout.id)).toMatchObject({
      status: "failed",
      failureCode: "recipient_account_unconfirmed",
      failureReason: expect.stringMatching(/cannot receive payments yet/),
    });
    const picked = await movePayout(db, scope, payout.id, "claim", {
      actor: "recipient",
      changes: {
        method: "venmo",
        methodDetails: { account: "@rosa", accountType: "handle" },
        failureCode: null,
      },
    });
    await submit(scope, picked);
    await deliverWebhook(db, scope, "paypal", doubles.paypal.webhookFor(`${payout.id}_attempt_2`));
    expect(await statusOf(db, scope, payout.id)).toBe("paid");
  });

  it("an unclaimed payout comes back as returned and its money is reserved again", async () => {
    const { scope } = await liveOrganisation(db);
    doubles.paypal.receiver("nobody@example.com", "unclaimed");
    const payout = await claimedLivePayout(db, scope, {
      amount: 4_000,
      method: "paypal",
      details: { account: "nobody@example.com", accountType: "email" },
    });
    await submit(scope, payout);
    await deliverWebhook(db, scope, "paypal", doubles.paypal.webhookFor(payout.id));
    expect(await statusOf(db, scope, payout.id)).toBe("paid");
    const back = await deliverWebhook(
      db,
      scope,
      "paypal",
      doubles.paypal.returnUnclaimed(payout.id),
    );
    expect(back.outcome).toBe("returned");
    expect(await getPayout(db, scope, payout.id)).toMatchObject({
      status: "returned",
      failureCode: "returned_unclaimed",
    });
    expect(await balance(scope)).toMatchObject({
      reserved: 4_000n,
      paidOut: 0n,
      inTransit: 0n,
      fees: 0n,
    });
  });
});

describe("Tremendous rewards", () => {
  it("claim → order under the submission id → delivery webhook paid", async () => {
    const { scope } = await liveOrganisation(db);
    const payout = await claimedLivePayout(db, scope, {
      amount: 2_500,
      method: "prepaid_visa",
      details: {},
    });
    await submit(scope, payout);
    expect(doubles.tremendous.orderFor(payout.id).rewards[0]?.products).toEqual(["VISA-US"]);
    await deliverWebhook(
      db,
      scope,
      "tremendous",
      doubles.tremendous.deliver(payout.id, "SUCCEEDED"),
    );
    expect(await statusOf(db, scope, payout.id)).toBe("paid");
  });

  it("decline (delivery failed) → failed → PayPal pays", async () => {
    const { scope } = await liveOrganisation(db);
    const payout = await claimedLivePayout(db, scope, {
      amount: 1_500,
      method: "gift_card",
      details: { brand: "amazon" },
    });
    await submit(scope, payout);
    await deliverWebhook(db, scope, "tremendous", doubles.tremendous.deliver(payout.id, "FAILED"));
    expect(await statusOf(db, scope, payout.id)).toBe("failed");
    const picked = await movePayout(db, scope, payout.id, "claim", {
      actor: "recipient",
      changes: {
        method: "paypal",
        methodDetails: { account: "gift@example.com", accountType: "email" },
      },
    });
    await submit(scope, picked);
    await deliverWebhook(db, scope, "paypal", doubles.paypal.webhookFor(`${payout.id}_attempt_2`));
    expect(await statusOf(db, scope, payout.id)).toBe("paid");
    expect(
      (await payoutAttempts(db, scope, payout.id)).map((a) => [a.attempt, a.provider, a.status]),
    ).toEqual([
      [1, "tremendous", "declined"],
      [2, "paypal", "paid"],
    ]);
  });
});
