import { describe, expect, it } from "vitest";
import { failsOver, providerFailureCodes, providerFailureReasons } from "@/lib/providers/reasons";
import en from "@/messages/en.json";

describe("provider failure reasons", () => {
  it("gives every stable code a message for the recipient", () => {
    for (const code of providerFailureCodes) {
      expect(en.claim.reasons[code as keyof typeof en.claim.reasons], code).toMatch(/—/);
    }
    expect(en.claim.reasons.recipient_account_unconfirmed).toBe(
      "This account can't receive payments yet — choose another way to get paid.",
    );
  });

  it("fails over only on the provider's own reasons", () => {
    expect(failsOver("provider_unavailable")).toBe(true);
    expect(failsOver("provider_insufficient_funds")).toBe(true);
    expect(failsOver("recipient_account_unconfirmed")).toBe(false);
    expect(Object.values(providerFailureReasons).every((r) => r.text.endsWith("."))).toBe(true);
  });
});
