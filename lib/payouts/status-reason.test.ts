import { describe, expect, it } from "vitest";
import type { PayoutStatus } from "@/db/schema";
import { payoutStatuses } from "./serialize";
import { expectedBy, statusReason } from "./status-reason";

const row = (status: PayoutStatus, extra: Record<string, unknown> = {}) => ({
  status,
  notify: "email" as const,
  expiresAt: new Date("2026-04-01T00:00:00Z"),
  method: null,
  failureReason: null,
  claimedAt: null,
  ...extra,
});

describe("status_reason", () => {
  it("says why for every status, with a stable code", () => {
    const codes = Object.fromEntries(payoutStatuses.map((s) => [s, statusReason(row(s)).code]));
    expect(codes).toEqual({
      pending: "screening",
      awaiting_review: "awaiting_review",
      awaiting_tax_info: "awaiting_tax_info",
      claimable: "awaiting_claim",
      claimed: "claimed_submitting",
      processing: "provider_processing",
      paid: "paid",
      failed: "failed:provider_declined",
      returned: "returned:provider_returned",
      expired: "expired",
      canceled: "canceled",
    });
    for (const s of payoutStatuses) expect(statusReason(row(s)).message.length).toBeGreaterThan(10);
  });

  it("tells a pending payout of a campaign waiting for approval apart", () => {
    expect(statusReason(row("pending"), "awaiting_approval").code).toBe("awaiting_approval");
    expect(statusReason(row("pending"), "processing").code).toBe("screening");
  });

  it("carries a provider's failure code and says who delivers the link", () => {
    expect(statusReason(row("failed", { failureReason: "account_closed" })).code).toBe(
      "failed:account_closed",
    );
    const words = statusReason(row("failed", { failureReason: "The account is closed." }));
    expect(words.code).toBe("failed:provider_declined");
    expect(words.message).toContain("The account is closed.");
    expect(statusReason(row("claimable")).message).toContain("we emailed");
    expect(statusReason(row("claimable", { notify: "none" })).message).toContain("claim_url");
    expect(statusReason(row("claimable")).message).toContain("2026-04-01");
  });
});

describe("expected_by", () => {
  const claimedAt = new Date("2026-03-04T10:00:00Z");

  it("is the chosen method's window from the claim while the money is on its way", () => {
    expect(expectedBy(row("claimed", { method: "paypal", claimedAt }))).toEqual({
      earliest: claimedAt,
      latest: new Date("2026-03-04T11:00:00Z"),
    });
    expect(expectedBy(row("processing", { method: "us_ach", claimedAt }))).toEqual({
      earliest: new Date("2026-03-05T00:00:00Z"),
      latest: new Date("2026-03-10T00:00:00Z"),
    });
  });

  it("is null before a method is chosen and once there is an outcome", () => {
    for (const status of ["pending", "claimable", "paid", "failed", "expired"] as const) {
      expect(expectedBy(row(status, { method: "paypal", claimedAt }))).toBeNull();
    }
  });
});
