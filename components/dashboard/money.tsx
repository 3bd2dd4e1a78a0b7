import { formatMoney } from "@/lib/money";

export function Money({ amount, currency }: { amount: bigint; currency: string }) {
  return <span className="tabular-nums">{formatMoney({ amount, currency })}</span>;
}
