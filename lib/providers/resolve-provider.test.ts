import { describe, expect, it } from "vitest";
import { isAppError } from "@/lib/errors";
import { resolveProvider, sandboxProvider } from ".";
import type { PayoutProvider } from "./types";

const fakeStripe: PayoutProvider = {
  id: "stripe",
  submit: async () => ({ status: "processing", providerReference: "tr_1" }),
  poll: async () => ({ status: "paid" }),
};

function refusal(run: () => unknown): string {
  try {
    run();
  } catch (error) {
    if (isAppError(error, "live_mode_unavailable")) return error.message;
    throw error;
  }
  throw new Error("expected live_mode_unavailable");
}

describe("resolving a provider", () => {
  it("pays every method through the sandbox in test mode, even with live adapters configured", () => {
    expect(resolveProvider("test", "us_ach", { stripe: fakeStripe })).toBe(sandboxProvider);
    expect(resolveProvider("test", "mpesa")).toBe(sandboxProvider);
  });

  it("uses the method's live adapter in live mode", () => {
    expect(resolveProvider("live", "sepa", { stripe: fakeStripe })).toBe(fakeStripe);
  });

  it("refuses live payouts through an unconfigured adapter or a sandbox-only method", () => {
    expect(refusal(() => resolveProvider("live", "paypal", { stripe: fakeStripe }))).toMatch(
      /paypal provider, which is not configured/,
    );
    expect(refusal(() => resolveProvider("live", "pix", { stripe: fakeStripe }))).toMatch(
      /Pix has no live provider yet/,
    );
  });
});
