import { z } from "zod";
import type { FundingInstruction } from "@/lib/providers/types";
import { defineOperation } from "../operation";
import { listSchema } from "../pagination";

export const fundingInstructionSchema = z
  .object({
    object: z.literal("funding_instruction"),
    livemode: z.boolean(),
    currency: z.string().meta({ example: "USD" }),
    provider: z.enum(["stripe", "paypal", "tremendous"]),
    method: z.string().meta({ description: "How to send the money, in one line" }),
    fields: z
      .array(z.object({ label: z.string(), value: z.string() }))
      .meta({ description: "What a bank form or the provider's dashboard asks for" }),
  })
  .meta({
    id: "FundingInstruction",
    description:
      "Where to send money so that it lands in a provider balance and is credited here once it settles",
  });

export function serializeFundingInstruction(instruction: FundingInstruction, livemode: boolean) {
  return { object: "funding_instruction" as const, livemode, ...instruction };
}

export const listFundingInstructionsOperation = defineOperation({
  method: "GET",
  path: "/funding/instructions",
  operationId: "listFundingInstructions",
  tag: "Balances",
  summary: "List funding instructions",
  description:
    "Live mode: where to send funds, per currency and connected provider. The available balance is credited only when the provider reports the money settled, once per top-up. Test mode has none (use test deposits).",
  response: {
    status: 200,
    schema: listSchema(fundingInstructionSchema, "FundingInstructionList"),
    description: "Instructions by currency",
    example: {
      object: "list",
      data: [
        {
          object: "funding_instruction",
          livemode: true,
          currency: "USD",
          provider: "stripe",
          method: "Bank transfer to your Stripe balance",
          fields: [
            { label: "Bank", value: "Wells Fargo" },
            { label: "Account number", value: "••••6789" },
          ],
        },
      ],
      has_more: false,
    },
  },
});
