import { describe, expect, it } from "vitest";
import { createBatchBodySchema } from "@/lib/batches/create-batch";
import { AppError } from "@/lib/errors";
import { createPayoutBodySchema } from "@/lib/payouts/create-payout";
import { listPayoutsQuerySchema } from "@/lib/payouts/list-params";
import { parseOrThrow } from "./validation";

function fieldErrors(schema: Parameters<typeof parseOrThrow>[0], input: unknown) {
  try {
    parseOrThrow(schema, input, "body");
  } catch (error) {
    if (error instanceof AppError) return error.fieldErrors;
    throw error;
  }
  throw new Error("expected a validation error");
}

const payout = { recipient_id: "rcp_1", amount: 100, currency: "USD" };

describe("unknown fields", () => {
  it("suggests the field a camelCase or differently spelled name meant", () => {
    const { recipient_id, ...rest } = payout;
    expect(fieldErrors(createPayoutBodySchema, { ...rest, recipientId: recipient_id })).toEqual([
      { path: "", message: "unknown field: recipientId (did you mean recipient_id?)" },
      { path: "recipient_id", message: "expected exactly one of recipient_id or recipient" },
    ]);
    expect(fieldErrors(createPayoutBodySchema, { ...payout, descripton: "x" })).toEqual([
      { path: "", message: "unknown field: descripton (did you mean description?)" },
    ]);
  });

  it("looks inside nested objects and array items", () => {
    expect(
      fieldErrors(createPayoutBodySchema, {
        amount: 100,
        currency: "USD",
        recipient: { email: "a@example.com", country: "KE", externalId: "c-1" },
      }),
    ).toEqual([
      { path: "recipient", message: "unknown field: externalId (did you mean external_id?)" },
    ]);
    const item = { recipient: { email: "a@example.com", country: "KE" }, amount: 100 };
    expect(
      fieldErrors(createBatchBodySchema, {
        name: "March",
        currency: "USD",
        items: [item, { ...item, ammount: 5 }],
      }).map((e) => e.message),
    ).toContain("unknown field: ammount (did you mean amount?)");
  });

  it("looks through a schema that transforms what it parses (a list query)", () => {
    expect(fieldErrors(listPayoutsQuerySchema, { recipientId: "rcp_1" })).toEqual([
      { path: "", message: "unknown field: recipientId (did you mean recipient_id?)" },
    ]);
  });

  it("suggests nothing for a name unlike any field", () => {
    expect(fieldErrors(createPayoutBodySchema, { ...payout, nickname: "x" })).toEqual([
      { path: "", message: "unknown field: nickname" },
    ]);
  });
});

describe("cross-field rules", () => {
  it("are reported together with the other fields' errors, in one answer", () => {
    expect(fieldErrors(createPayoutBodySchema, { amount: 10.5, currency: "usd" })).toEqual([
      {
        path: "amount",
        message: "expected a whole number of minor units, such as 1050 for 10.50 USD",
      },
      { path: "currency", message: expect.stringContaining("expected a supported ISO 4217") },
      { path: "recipient_id", message: "expected exactly one of recipient_id or recipient" },
    ]);
  });

  it("are not checked on a body that is not an object", () => {
    expect(fieldErrors(createPayoutBodySchema, ["not", "an", "object"])).toEqual([
      { path: "", message: expect.stringContaining("expected object") },
    ]);
  });
});
