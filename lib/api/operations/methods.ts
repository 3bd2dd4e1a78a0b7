import { methodsQuerySchema, methodsResponseSchema } from "@/lib/methods";
import { exampleMethods } from "../examples";
import { defineOperation } from "../operation";

export const listMethodsOperation = defineOperation({
  method: "GET",
  path: "/methods",
  operationId: "listMethods",
  tag: "Methods",
  summary: "List payout methods for a recipient",
  description:
    "Which methods can pay `amount` of `currency` to a recipient in `country`, with fees and limits; every ineligible method says why. Live mode offers only methods with a live provider.",
  query: methodsQuerySchema,
  exampleQuery: { country: "KE", currency: "USD", amount: "5000" },
  response: {
    status: 200,
    schema: methodsResponseSchema,
    description: "Eligible and ineligible methods",
    example: exampleMethods,
  },
});
