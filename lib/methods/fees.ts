import { AppError } from "@/lib/errors";
import type { Money } from "@/lib/money";
import { getMethod } from "./catalog";
import type { MethodDefinition, MethodId } from "./types";

/**
 * The fee a method charges for paying `money`, in the same currency. Integer math only:
 * the percentage part rounds up to the next minor unit, so a fee is never understated.
 */
export function methodFee(method: MethodDefinition | MethodId, money: Money): bigint {
  const definition = typeof method === "string" ? getMethod(method) : method;
  if (!definition.currencies.includes(money.currency)) {
    throw new AppError(
      "validation_failed",
      `${definition.name} does not pay out in ${money.currency}.`,
      {
        fieldErrors: [{ path: "currency", message: `one of ${definition.currencies.join(", ")}` }],
      },
    );
  }
  if (money.amount < 0n) {
    throw new AppError("validation_failed", "A fee is only defined for a non-negative amount.", {
      fieldErrors: [{ path: "amount", message: "a non-negative whole number of minor units" }],
    });
  }
  const { fixed, basisPoints = 0, cap } = definition.fee;
  const proportional = (money.amount * BigInt(basisPoints) + 9_999n) / 10_000n;
  const fee = (fixed?.[money.currency] ?? 0n) + proportional;
  const limit = cap?.[money.currency];
  return limit !== undefined && fee > limit ? limit : fee;
}
