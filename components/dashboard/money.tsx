import { type Currency, currencies, formatMoney } from "@/lib/money";

/** Formats minor units for display; an unknown code shows as digits and the code. */
export function money(amount: bigint, currency: string): string {
  if ((currencies as string[]).includes(currency)) {
    return formatMoney({ amount, currency: currency as Currency });
  }
  return `${amount} ${currency}`;
}

export function Money({ amount, currency }: { amount: bigint; currency: string }) {
  return <span className="tabular-nums">{money(amount, currency)}</span>;
}
