import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createPaypalProvider } from "@/lib/providers/paypal";
import { createStripeProvider } from "@/lib/providers/stripe";
import { createTremendousProvider } from "@/lib/providers/tremendous";
import { ProviderUnavailableError, WebhookSignatureError } from "@/lib/providers/types";
import { type PaypalDouble, startPaypalDouble } from "./paypal-double";
import { type StripeDouble, startStripeDouble } from "./stripe-double";
import { startTremendousDouble, type TremendousDouble } from "./tremendous-double";

const stripeKeys = {
  secretKey: "sk_test_double0123456789",
  webhookSecret: "whsec_double0123456789",
};
const paypalKeys = {
  clientId: "paypal-client-id-0001",
  clientSecret: "paypal-client-secret-0001",
  webhookId: "1JE4291016473214C",
};
const tremendousKeys = {
  apiKey: "TEST_tremendous-api-key-000001",
  webhookPrivateKey: "tremendous-private-key-0001",
};

let stripe: StripeDouble;
let paypal: PaypalDouble;
let tremendous: TremendousDouble;

beforeAll(async () => {
  [stripe, paypal, tremendous] = await Promise.all([
    startStripeDouble(stripeKeys),
    startPaypalDouble(paypalKeys),
    startTremendousDouble(tremendousKeys),
  ]);
});

afterAll(async () => {
  // Every request each adapter sent conformed to the provider's published document.
  expect(stripe.nonConforming).toEqual([]);
  expect(paypal.nonConforming).toEqual([]);
  expect(tremendous.nonConforming).toEqual([]);
  await Promise.all([stripe.close(), paypal.close(), tremendous.close()]);
});

const recipient = { email: "rosa@example.com", name: "Rosa Parks", country: "US" };

describe("the Stripe adapter against its double", () => {
  const adapter = () => createStripeProvider(stripeKeys, { apiBaseUrl: stripe.url });

  async function onboarded(payoutId: string) {
    const account = await adapter().createRecipientAccount({
      payoutId,
      email: recipient.email,
      country: "US",
    });
    stripe.completeOnboarding(account);
    return account;
  }

  it("pays through a transfer and a payout, and a resubmission under the same id pays nothing more", async () => {
    const account = await onboarded("po_stripe_1");
    const input = {
      payoutId: "po_stripe_1",
      amount: 2_500n,
      currency: "USD" as const,
      method: "us_ach" as const,
      details: { connectedAccount: account },
      recipient,
    };
    const first = await adapter().submit(input);
    const again = await adapter().submit(input);
    expect(first.status).toBe("processing");
    expect(again.providerReference).toBe(first.providerReference);
    expect(
      [...stripe.transfers.values()].filter((t) => t.transfer_group === "po_stripe_1"),
    ).toHaveLength(1);
    expect(await adapter().lookup("po_stripe_1")).toMatchObject({
      providerReference: first.providerReference,
    });
    expect(await adapter().lookup("po_nothing_here")).toBe("absent");
  });

  it("reads a signed payout webhook and refuses a forged one", async () => {
    const account = await onboarded("po_stripe_2");
    const result = await adapter().submit({
      payoutId: "po_stripe_2",
      amount: 1_000n,
      currency: "USD",
      method: "us_ach",
      details: { connectedAccount: account },
      recipient,
    });
    const payoutId = result.providerReference.split("/")[1] as string;
    const event = stripe.settle(payoutId, "paid");
    const parsed = await adapter().parseWebhook({ headers: event.headers, rawBody: event.rawBody });
    expect(parsed.effect).toMatchObject({
      kind: "payout",
      status: "paid",
      providerReference: result.providerReference,
      submissionId: "po_stripe_2",
    });
    await expect(
      adapter().parseWebhook({
        headers: event.headers,
        rawBody: event.rawBody.replace("paid", "failed"),
      }),
    ).rejects.toBeInstanceOf(WebhookSignatureError);
  });

  it("declines a transfer to an account that has not finished onboarding, as the recipient's to fix", async () => {
    const account = await adapter().createRecipientAccount({
      payoutId: "po_stripe_3",
      email: recipient.email,
      country: "US",
    });
    const result = await adapter().submit({
      payoutId: "po_stripe_3",
      amount: 1_000n,
      currency: "USD",
      method: "us_ach",
      details: { connectedAccount: account },
      recipient,
    });
    expect(result).toMatchObject({
      status: "failed",
      failureCode: "recipient_onboarding_incomplete",
    });
  });

  it("reports an outage as unavailable, not as a decline", async () => {
    stripe.fail("POST /v1/transfers", { status: 503, when: "before" });
    const account = await onboarded("po_stripe_4");
    await expect(
      adapter().submit({
        payoutId: "po_stripe_4",
        amount: 1_000n,
        currency: "USD",
        method: "us_ach",
        details: { connectedAccount: account },
        recipient,
      }),
    ).rejects.toBeInstanceOf(ProviderUnavailableError);
  });

  it("checks credentials with a balance read", async () => {
    await expect(adapter().verifyCredentials()).resolves.toBeUndefined();
    await expect(
      createStripeProvider(
        { ...stripeKeys, secretKey: "sk_test_wrongwrongwrong" },
        { apiBaseUrl: stripe.url },
      ).verifyCredentials(),
    ).rejects.toThrow(/refused/);
  });
});

describe("the PayPal adapter against its double", () => {
  const adapter = () =>
    createPaypalProvider(paypalKeys, { environment: "sandbox", apiBaseUrl: paypal.url });

  it("sends one batch per submission; PayPal-Request-Id replays it; the item's outcome is polled", async () => {
    const input = {
      payoutId: "po_paypal_1",
      amount: 1_234n,
      currency: "USD" as const,
      method: "paypal" as const,
      details: { account: "ana@example.com", accountType: "email" },
      recipient,
    };
    const first = await adapter().submit(input);
    const again = await adapter().submit(input);
    // PayPal takes a batch and pays its items afterwards: the outcome comes by poll or webhook.
    expect(first).toMatchObject({ status: "processing" });
    expect(again.providerReference).toBe(first.providerReference);
    expect(await adapter().poll(first.providerReference)).toEqual({ status: "paid" });
    expect(
      paypal.payments().filter((i) => i.payout_item.sender_item_id === "po_paypal_1"),
    ).toHaveLength(1);
    expect(paypal.payments()[0]?.payout_item.amount).toEqual({ value: "12.34", currency: "USD" });
  });

  it("turns an unconfirmed receiver into the recipient's reason", async () => {
    paypal.receiver("new@example.com", "unconfirmed");
    const result = await adapter().submit({
      payoutId: "po_paypal_2",
      amount: 1_000n,
      currency: "USD",
      method: "paypal",
      details: { account: "new@example.com", accountType: "email" },
      recipient,
    });
    expect(await adapter().poll(result.providerReference)).toMatchObject({
      status: "failed",
      failureCode: "recipient_account_unconfirmed",
    });
  });

  it("verifies webhooks through verify-webhook-signature and refuses a forged one", async () => {
    paypal.receiver("later@example.com", "unclaimed");
    await adapter().submit({
      payoutId: "po_paypal_3",
      amount: 1_000n,
      currency: "USD",
      method: "venmo",
      details: { account: "later@example.com", accountType: "email" },
      recipient,
    });
    const returned = paypal.returnUnclaimed("po_paypal_3");
    const parsed = await adapter().parseWebhook(returned);
    expect(parsed.effect).toMatchObject({
      kind: "payout",
      status: "returned",
      failureCode: "returned_unclaimed",
      submissionId: "po_paypal_3",
    });
    await expect(
      adapter().parseWebhook({
        headers: returned.headers,
        rawBody: returned.rawBody.replace("RETURNED", "SUCCESS"),
      }),
    ).rejects.toBeInstanceOf(WebhookSignatureError);
  });
});

describe("the Tremendous adapter against its double", () => {
  const adapter = () =>
    createTremendousProvider(tremendousKeys, {
      apiBaseUrl: `${tremendous.url}/api/v2`,
      products: { gift_card: "AMAZON-US", paypal: "PAYPAL-US" },
    });

  it("orders under the external id; a repeat answers the first order", async () => {
    const input = {
      payoutId: "po_trem_1",
      amount: 5_000n,
      currency: "USD" as const,
      method: "gift_card" as const,
      details: { brand: "amazon" },
      recipient,
    };
    const first = await adapter().submit(input);
    const again = await adapter().submit(input);
    expect(again.providerReference).toBe(first.providerReference);
    expect(tremendous.orders.size).toBe(1);
    expect(await adapter().lookup("po_trem_1")).toMatchObject({
      providerReference: first.providerReference,
    });
    expect(await adapter().lookup("po_trem_none")).toBe("absent");
  });

  it("verifies the signature header and reads the delivery", async () => {
    await adapter().submit({
      payoutId: "po_trem_2",
      amount: 2_000n,
      currency: "USD",
      method: "gift_card",
      details: {},
      recipient,
    });
    const event = tremendous.deliver("po_trem_2", "SUCCEEDED");
    const parsed = await adapter().parseWebhook(event);
    expect(parsed.effect).toMatchObject({
      kind: "payout",
      status: "paid",
      submissionId: "po_trem_2",
    });
    await expect(
      adapter().parseWebhook({
        headers: new Headers({ "tremendous-webhook-signature": "sha256=00" }),
        rawBody: event.rawBody,
      }),
    ).rejects.toBeInstanceOf(WebhookSignatureError);
  });

  it("declines an order the balance cannot cover as the provider's own trouble", async () => {
    tremendous.setBalance(100);
    const result = await adapter().submit({
      payoutId: "po_trem_3",
      amount: 9_000n,
      currency: "USD",
      method: "gift_card",
      details: {},
      recipient,
    });
    expect(result).toMatchObject({ status: "failed", failureCode: "provider_insufficient_funds" });
    tremendous.setBalance(1_000_000);
  });
});
