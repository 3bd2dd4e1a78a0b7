import { describe, expect, it } from "vitest";
import { eligibleMethods } from "./eligibility";
import { methodsResponseSchema, serializeEligibility } from "./serialize";

describe("the methods API response", () => {
  it("answers GET /v1/methods?country=KE&currency=USD&amount=5000 with fees, limits and reasons", () => {
    const query = { country: "KE", currency: "USD" as const, amount: 5_000n };
    const body = serializeEligibility(eligibleMethods(query), query);
    expect(methodsResponseSchema.parse(body)).toEqual(body);
    expect(JSON.parse(JSON.stringify(body))).toEqual(body);
    expect(body.data.map((m) => m.id)).toEqual(["mpesa", "paypal", "charity"]);
    expect(body.data[0]).toEqual({
      id: "mpesa",
      object: "payout_method",
      name: "M-Pesa",
      description: "To your M-Pesa mobile wallet in Kenya.",
      speed: "minutes",
      currency: "USD",
      fee: 75,
      min_amount: 100,
      max_amount: 190_000,
    });
    expect(body.ineligible.find((i) => i.method === "venmo")?.reasons[0]).toEqual({
      code: "country_not_supported",
      message: "Venmo is not available in Kenya.",
    });
  });

  it("lists the country's gift card brands", () => {
    const query = { country: "gb", currency: "GBP" as const, amount: 2_500n };
    const body = serializeEligibility(eligibleMethods(query), query);
    const giftCard = body.data.find((m) => m.id === "gift_card");
    expect(giftCard?.gift_card_brands?.map((b) => b.id)).toEqual([
      "amazon_uk",
      "tesco",
      "marks_and_spencer",
      "john_lewis",
    ]);
  });

  it("says a sanctioned country is sanctioned and lists nothing", () => {
    const query = { country: "IR", currency: "USD" as const, amount: 5_000n };
    const body = serializeEligibility(eligibleMethods(query), query);
    expect(body).toMatchObject({ sanctioned: true, data: [] });
    expect(body.ineligible.every((i) => i.reasons[0]?.code === "sanctioned_country")).toBe(true);
  });
});
