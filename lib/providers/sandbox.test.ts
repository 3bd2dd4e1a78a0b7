import { describe, expect, it } from "vitest";
import { isAppError } from "@/lib/errors";
import { createSandboxProvider, sandboxFailureReasons } from "./sandbox";
import type { SubmitInput } from "./types";

const paypalPayout = (amount: bigint, payoutId = "po_sandbox_test"): SubmitInput => ({
  payoutId,
  amount,
  currency: "USD",
  method: "paypal",
  details: { account: "jane@example.com", accountType: "email" },
  recipient: { email: "jane@example.com", name: "Jane Doe", country: "US" },
});

const giftCardPayout = (amount: bigint): SubmitInput => ({
  ...paypalPayout(amount, "po_gift"),
  method: "gift_card",
  details: { brand: "target" },
});

describe("sandbox outcomes", () => {
  it("pays an ordinary amount at once and stays paid", async () => {
    const sandbox = createSandboxProvider();
    const result = await sandbox.submit(paypalPayout(5_000n));
    expect(result).toEqual({ status: "paid", providerReference: expect.stringMatching(/^sbx_/) });
    expect(await sandbox.poll(result.providerReference)).toEqual({ status: "paid" });
  });

  it("fails an amount ending in 13 because the account is closed", async () => {
    const sandbox = createSandboxProvider();
    const result = await sandbox.submit(paypalPayout(1_013n));
    expect(result).toMatchObject({ status: "failed", failureReason: sandboxFailureReasons.closed });
    expect(await sandbox.poll(result.providerReference)).toEqual({
      status: "failed",
      failureReason: sandboxFailureReasons.closed,
    });
  });

  it("pays an amount ending in 13 by gift card, so a recipient can recover by switching", async () => {
    const sandbox = createSandboxProvider();
    expect(await sandbox.submit(giftCardPayout(1_013n))).toMatchObject({ status: "paid" });
  });

  it("pays an amount ending in 66, then reports it returned", async () => {
    const sandbox = createSandboxProvider();
    const result = await sandbox.submit(paypalPayout(2_066n));
    expect(result.status).toBe("paid");
    expect(await sandbox.poll(result.providerReference)).toMatchObject({ status: "returned" });
  });

  it("keeps an amount ending in 77 processing for the configured polls, then pays it for good", async () => {
    const sandbox = createSandboxProvider({ slowPolls: 2 });
    const result = await sandbox.submit(giftCardPayout(3_077n));
    expect(result.status).toBe("processing");
    const statuses = [];
    for (let i = 0; i < 5; i++)
      statuses.push((await sandbox.poll(result.providerReference)).status);
    expect(statuses).toEqual(["processing", "processing", "paid", "paid", "paid"]);
  });

  it("rejects details the method does not accept, whatever the amount", async () => {
    const sandbox = createSandboxProvider();
    const result = await sandbox.submit({ ...paypalPayout(5_000n), details: { account: "jane" } });
    expect(result).toMatchObject({
      status: "failed",
      failureReason: "The PayPal details are incomplete or invalid.",
    });
    expect(await sandbox.poll(result.providerReference)).toMatchObject({ status: "failed" });
  });

  it("rejects a gift card brand not sold in the recipient's country", async () => {
    const sandbox = createSandboxProvider();
    const result = await sandbox.submit({
      ...giftCardPayout(5_000n),
      recipient: { email: "max@example.de", country: "DE" },
    });
    expect(result.status).toBe("failed");
  });

  it("rejects a currency, country or amount the method does not take", async () => {
    const sandbox = createSandboxProvider();
    const venmoInEuro = await sandbox.submit({
      ...paypalPayout(5_000n),
      method: "venmo",
      currency: "EUR",
    });
    expect(venmoInEuro).toMatchObject({
      status: "failed",
      failureReason: "Venmo does not pay out in EUR.",
    });
    const venmoAbroad = await sandbox.submit({
      ...paypalPayout(5_000n),
      method: "venmo",
      recipient: { email: "a@example.ca", country: "CA" },
    });
    expect(venmoAbroad).toMatchObject({
      status: "failed",
      failureReason: "Venmo does not pay out to CA.",
    });
    const tooMuch = await sandbox.submit(paypalPayout(5_000_000n));
    expect(tooMuch).toMatchObject({
      status: "failed",
      failureReason: "The amount is outside PayPal's limits.",
    });
    const sanctioned = await sandbox.submit({
      ...paypalPayout(5_000n),
      method: "charity",
      details: { charityId: "msf" },
      recipient: { email: "a@example.com", country: "IR" },
    });
    expect(sanctioned.status).toBe("failed");
  });
});

describe("sandbox idempotency", () => {
  it("returns the same reference and outcome for the same payout id, even from a fresh sandbox", async () => {
    const first = await createSandboxProvider().submit(paypalPayout(1_013n, "po_same"));
    const again = await createSandboxProvider().submit(paypalPayout(1_013n, "po_same"));
    expect(again).toEqual(first);
  });

  it("gives different payouts different references", async () => {
    const sandbox = createSandboxProvider();
    const a = await sandbox.submit(paypalPayout(5_000n, "po_a"));
    const b = await sandbox.submit(paypalPayout(5_000n, "po_b"));
    expect(a.providerReference).not.toBe(b.providerReference);
  });

  it("answers a poll from a sandbox that never saw the submit", async () => {
    const { providerReference } = await createSandboxProvider().submit(
      paypalPayout(2_066n, "po_r"),
    );
    expect(await createSandboxProvider().poll(providerReference)).toMatchObject({
      status: "returned",
    });
  });

  it("does not know references it could not have issued", async () => {
    const sandbox = createSandboxProvider();
    await expect(sandbox.poll("sbx_paid_nothex")).rejects.toSatisfy((e) =>
      isAppError(e, "not_found"),
    );
    await expect(sandbox.poll("tr_1Nabc")).rejects.toSatisfy((e) => isAppError(e, "not_found"));
  });
});
