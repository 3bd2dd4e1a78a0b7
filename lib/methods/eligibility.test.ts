import { describe, expect, it } from "vitest";
import { isAppError } from "@/lib/errors";
import type { Currency } from "@/lib/money";
import { type EligibilityInput, eligibleMethods, methodsQuerySchema } from "./eligibility";
import type { MethodId } from "./types";

function eligibleIds(
  input: Omit<EligibilityInput, "currency" | "amount"> & {
    currency?: Currency;
    amount?: bigint;
  },
): MethodId[] {
  return eligibleMethods({ currency: "USD", amount: 5_000n, ...input })
    .eligible.map((m) => m.id)
    .sort();
}

function reasonsFor(input: EligibilityInput, method: MethodId): string[] {
  const entry = eligibleMethods(input).ineligible.find((i) => i.method === method);
  return entry ? entry.reasons.map((r) => r.code) : [];
}

describe("methods by country", () => {
  it("offers US recipients ACH, PayPal, Venmo, gift cards, prepaid Visa and charity", () => {
    expect(eligibleIds({ country: "US" })).toEqual(
      ["charity", "gift_card", "paypal", "prepaid_visa", "us_ach", "venmo"].sort(),
    );
  });

  it("offers German recipients SEPA in euros but not Venmo", () => {
    expect(eligibleIds({ country: "DE", currency: "EUR" })).toEqual(
      ["charity", "gift_card", "paypal", "sepa"].sort(),
    );
    expect(reasonsFor({ country: "DE", currency: "EUR", amount: 5_000n }, "venmo")).toEqual([
      "country_not_supported",
      "currency_not_supported",
    ]);
  });

  it("offers Kenyan recipients M-Pesa for a USD payout (converted on delivery)", () => {
    expect(eligibleIds({ country: "KE" })).toEqual(["charity", "mpesa", "paypal"].sort());
    expect(eligibleIds({ country: "KE", currency: "KES", amount: 100_000n })).toEqual(["mpesa"]);
  });

  it("offers Pix in Brazil, UPI in India, GCash in the Philippines", () => {
    expect(eligibleIds({ country: "BR", currency: "BRL" })).toEqual(["gift_card", "pix"]);
    expect(eligibleIds({ country: "IN", currency: "INR" })).toEqual(["gift_card", "upi"]);
    expect(eligibleIds({ country: "PH" })).toEqual(["charity", "gcash", "paypal"].sort());
  });

  it("offers Interac in Canada and Faster Payments in the UK", () => {
    expect(eligibleIds({ country: "CA", currency: "CAD" })).toEqual(
      ["charity", "gift_card", "interac", "paypal", "prepaid_visa"].sort(),
    );
    expect(eligibleIds({ country: "GB", currency: "GBP" })).toEqual(
      ["charity", "gift_card", "paypal", "prepaid_visa", "uk_faster_payments"].sort(),
    );
  });

  it("accepts a lower-case country code", () => {
    expect(eligibleIds({ country: "ke" })).toEqual(eligibleIds({ country: "KE" }));
  });

  it("gives a country no method reaches only the methods that go anywhere", () => {
    expect(eligibleIds({ country: "AQ" })).toEqual(["charity"]);
  });
});

describe("sanctioned destinations", () => {
  it("gives Cuba no methods and one respectful reason for each", () => {
    const result = eligibleMethods({ country: "CU", currency: "USD", amount: 5_000n });
    expect(result.sanctioned).toBe(true);
    expect(result.eligible).toEqual([]);
    expect(result.ineligible).toHaveLength(13);
    for (const entry of result.ineligible) {
      expect(entry.reasons).toHaveLength(1);
      expect(entry.reasons[0]?.code).toBe("sanctioned_country");
      expect(entry.reasons[0]?.message).toContain("Cuba");
      expect(entry.reasons[0]?.message).toContain("not a judgement about you");
    }
  });

  it("blocks Iran, North Korea and Syria whatever the currency or amount", () => {
    for (const country of ["IR", "KP", "SY"]) {
      const result = eligibleMethods({ country, currency: "EUR", amount: 100n });
      expect(result).toMatchObject({ sanctioned: true, eligible: [] });
    }
  });

  it("blocks Crimea, Sevastopol, Donetsk and Luhansk by region but not the rest of Ukraine", () => {
    for (const region of ["UA-43", "UA-40", "UA-14", "ua-09"]) {
      expect(
        eligibleMethods({ country: "UA", region, currency: "USD", amount: 5_000n }),
      ).toMatchObject({
        sanctioned: true,
        eligible: [],
      });
    }
    const kyiv = eligibleMethods({
      country: "UA",
      region: "UA-30",
      currency: "USD",
      amount: 5_000n,
    });
    expect(kyiv.sanctioned).toBe(false);
    expect(kyiv.eligible.map((m) => m.id).sort()).toEqual(["charity", "paypal"]);
  });
});

describe("amount limits", () => {
  it("rejects an amount below a method's minimum and above its maximum", () => {
    expect(reasonsFor({ country: "US", currency: "USD", amount: 99n }, "us_ach")).toEqual([
      "amount_below_minimum",
    ]);
    expect(eligibleIds({ country: "US", amount: 100n })).toContain("us_ach");
    expect(eligibleIds({ country: "US", amount: 10_000_000n })).toContain("us_ach");
    expect(reasonsFor({ country: "US", currency: "USD", amount: 10_000_001n }, "us_ach")).toEqual([
      "amount_above_maximum",
    ]);
  });

  it("explains a limit in the payout's currency", () => {
    const venmo = eligibleMethods({
      country: "US",
      currency: "USD",
      amount: 600_000n,
    }).ineligible.find((i) => i.method === "venmo");
    expect(venmo?.reasons).toEqual([
      { code: "amount_above_maximum", message: "Venmo pays at most $5,000.00." },
    ]);
  });

  it("keeps a KES 300,000 M-Pesa payout above Safaricom's cap", () => {
    expect(reasonsFor({ country: "KE", currency: "KES", amount: 30_000_000n }, "mpesa")).toEqual([
      "amount_above_maximum",
    ]);
  });
});

describe("campaign allow-list and mode", () => {
  it("offers only the campaign's allowed methods, and says why for the rest", () => {
    expect(eligibleIds({ country: "US", allowedMethods: ["paypal", "gift_card", "sepa"] })).toEqual(
      ["gift_card", "paypal"],
    );
    expect(
      reasonsFor(
        { country: "US", currency: "USD", amount: 5_000n, allowedMethods: ["paypal"] },
        "venmo",
      ),
    ).toEqual(["not_allowed_by_campaign"]);
  });

  it("treats a null allow-list as everything and an empty one as nothing", () => {
    expect(eligibleIds({ country: "US", allowedMethods: null })).toHaveLength(6);
    expect(eligibleIds({ country: "US", allowedMethods: [] })).toEqual([]);
  });

  it("does not offer a method without a live provider in live mode", () => {
    expect(eligibleIds({ country: "KE", mode: "test" })).toContain("mpesa");
    expect(eligibleIds({ country: "KE", mode: "live" })).toEqual(["charity", "paypal"]);
    expect(
      reasonsFor({ country: "KE", currency: "USD", amount: 5_000n, mode: "live" }, "mpesa"),
    ).toEqual(["not_available_in_live_mode"]);
  });
});

describe("bad input", () => {
  function validationPaths(input: EligibilityInput): string[] {
    try {
      eligibleMethods(input);
    } catch (error) {
      if (isAppError(error, "validation_failed")) return error.fieldErrors.map((f) => f.path);
      throw error;
    }
    throw new Error("expected a validation error");
  }

  it("refuses unknown and non-alpha-2 country codes", () => {
    expect(validationPaths({ country: "XX", currency: "USD", amount: 5_000n })).toEqual([
      "country",
    ]);
    expect(validationPaths({ country: "KEN", currency: "USD", amount: 5_000n })).toEqual([
      "country",
    ]);
    expect(validationPaths({ country: "", currency: "USD", amount: 5_000n })).toEqual(["country"]);
  });

  it("refuses a zero amount, an unknown currency and a region outside the country", () => {
    expect(validationPaths({ country: "US", currency: "USD", amount: 0n })).toEqual(["amount"]);
    expect(validationPaths({ country: "US", currency: "XYZ" as Currency, amount: 5_000n })).toEqual(
      ["currency"],
    );
    expect(
      validationPaths({ country: "RU", region: "UA-43", currency: "USD", amount: 5_000n }),
    ).toEqual(["region"]);
  });
});

describe("the API query", () => {
  it("parses GET /v1/methods?country=ke&currency=USD&amount=5000", () => {
    expect(methodsQuerySchema.parse({ country: "ke", currency: "USD", amount: "5000" })).toEqual({
      country: "KE",
      currency: "USD",
      amount: 5_000n,
    });
  });

  it("rejects a fractional amount and an unknown country", () => {
    expect(
      methodsQuerySchema.safeParse({ country: "KE", currency: "USD", amount: "50.00" }).success,
    ).toBe(false);
    expect(
      methodsQuerySchema.safeParse({ country: "QQ", currency: "USD", amount: "5000" }).success,
    ).toBe(false);
  });
});
