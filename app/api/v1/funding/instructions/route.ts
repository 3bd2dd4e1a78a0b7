import { apiRoute } from "@/app/api/v1/api-route";
import {
  listFundingInstructionsOperation,
  serializeFundingInstruction,
} from "@/lib/api/operations/funding";
import { toList } from "@/lib/api/pagination";
import { methodsNotAllowed } from "@/lib/api/unrouted";
import { fundingInstructions } from "@/lib/providers/funding";

export const GET = apiRoute(listFundingInstructionsOperation, async ({ db, scope }) => {
  const instructions = await fundingInstructions(db, scope);
  return toList({ data: instructions, hasMore: false }, (i) =>
    serializeFundingInstruction(i, scope.mode === "live"),
  );
});

export const { POST, PUT, PATCH, DELETE, OPTIONS } = methodsNotAllowed("GET");
