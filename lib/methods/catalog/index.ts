import { AppError } from "@/lib/errors";
import type { MethodDefinition, MethodId } from "../types";
import { sepa, ukFasterPayments, usAch } from "./bank-transfers";
import { gcash, mpesa, pix, upi } from "./local-rails";
import { charity, giftCard, prepaidVisa } from "./rewards";
import { interac, paypal, venmo } from "./wallets";

/** Every method, in the order the claim page offers them: local rails first, charity last. */
export const methodCatalog: readonly MethodDefinition[] = [
  usAch,
  sepa,
  ukFasterPayments,
  pix,
  upi,
  mpesa,
  gcash,
  interac,
  paypal,
  venmo,
  prepaidVisa,
  giftCard,
  charity,
];

const byId = new Map<string, MethodDefinition>(methodCatalog.map((m) => [m.id, m]));

export function findMethod(id: string): MethodDefinition | undefined {
  return byId.get(id);
}

export function getMethod(id: MethodId | string): MethodDefinition {
  const method = byId.get(id);
  if (!method) {
    throw new AppError("validation_failed", `Unknown payout method "${id}".`, {
      fieldErrors: [{ path: "method", message: `one of ${[...byId.keys()].join(", ")}` }],
    });
  }
  return method;
}
