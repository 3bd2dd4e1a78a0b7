import { describe, expect, it } from "vitest";
import { isAppError } from "@/lib/errors";
import { detailsSchemaFor, parseMethodDetails } from "./method-details";

function fieldErrors(run: () => unknown) {
  try {
    run();
  } catch (error) {
    if (isAppError(error, "validation_failed")) return error.fieldErrors;
    throw error;
  }
  throw new Error("expected validation_failed");
}

describe("method details", () => {
  it("returns the normalised details", () => {
    expect(parseMethodDetails("mpesa", "KE", { phone: "0712 345 678" })).toEqual({
      phone: "+254712345678",
    });
    expect(
      parseMethodDetails("sepa", "DE", {
        accountHolderName: "Max",
        iban: "de89 3704 0044 0532 0130 00",
      }),
    ).toEqual({
      accountHolderName: "Max",
      iban: "DE89370400440532013000",
    });
  });

  it("reports each bad field with a message key", () => {
    expect(
      fieldErrors(() => parseMethodDetails("uk_faster_payments", "GB", { sortCode: "1" })),
    ).toEqual([
      { path: "accountHolderName", message: "errors.required" },
      { path: "sortCode", message: "errors.sort_code_invalid" },
      { path: "accountNumber", message: "errors.required" },
    ]);
  });

  it("checks gift card brands against the recipient's country", () => {
    expect(parseMethodDetails("gift_card", "gb", { brand: "tesco" })).toEqual({ brand: "tesco" });
    expect(fieldErrors(() => parseMethodDetails("gift_card", "US", { brand: "tesco" }))).toEqual([
      { path: "brand", message: "errors.gift_card_brand_invalid" },
    ]);
    expect(detailsSchemaFor("paypal", "US")).toBe(detailsSchemaFor("paypal", "DE"));
  });

  it("refuses an unknown method", () => {
    expect(fieldErrors(() => parseMethodDetails("cheque", "US", {}))).toEqual([
      { path: "method", message: expect.stringContaining("us_ach") },
    ]);
  });
});
