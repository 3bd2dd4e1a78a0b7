import { screeningBodySchema, screeningResourceSchema } from "@/lib/compliance/pre-screen";
import { defineOperation } from "../operation";

export const createScreeningOperation = defineOperation({
  method: "POST",
  path: "/screenings",
  operationId: "createScreening",
  tag: "Screenings",
  summary: "Pre-screen a recipient",
  description:
    "What the compliance engine would decide for a recipient before you pay them: `pass`, `review` (the payout would wait for your team's review) or `block`, with reason codes (`sanctioned_country`, `sanctioned_region`, `sanctions_list_match`). The matching list entry is never returned. Nothing is stored.",
  body: screeningBodySchema,
  response: {
    status: 200,
    schema: screeningResourceSchema,
    description: "The outcome",
    example: {
      object: "screening",
      livemode: false,
      outcome: "review",
      reason_codes: ["sanctions_list_match"],
    },
  },
  example: { name: "Ada Lovelace", country: "GB" },
});
