import { z } from "zod";
import { type Currency, currencySchema, wireAmountSchema } from "@/lib/money";
import type { CurrencyBalance } from "./balances";

export const balanceResourceSchema = z
  .object({
    object: z.literal("balance"),
    livemode: z.boolean(),
    currency: currencySchema,
    available: wireAmountSchema.meta({ description: "Free to pay out" }),
    reserved: wireAmountSchema.meta({ description: "Set aside for payouts not yet sent" }),
    in_transit: wireAmountSchema.meta({ description: "Sent to a provider, outcome pending" }),
    paid_out: wireAmountSchema.meta({ description: "Delivered to recipients" }),
    fees: wireAmountSchema.meta({ description: "Provider fees charged" }),
    pending: wireAmountSchema.meta({
      description: "Held by two-phase transfers not yet posted or voided",
    }),
  })
  .meta({ id: "Balance", description: "One currency's money, by where it sits, in minor units" });

export type BalanceResource = z.infer<typeof balanceResourceSchema>;

export function serializeBalance(balance: CurrencyBalance, livemode: boolean): BalanceResource {
  return {
    object: "balance",
    livemode,
    // Ledger accounts exist only for currencies a request schema accepted.
    currency: balance.currency as Currency,
    available: Number(balance.available),
    reserved: Number(balance.reserved),
    in_transit: Number(balance.inTransit),
    paid_out: Number(balance.paidOut),
    fees: Number(balance.fees),
    pending: Number(balance.pending),
  };
}
