import type { MethodId } from "@/lib/methods/types";
import type { Currency } from "@/lib/money";

export type SubmitInput = {
  /**
   * The provider's idempotency key as well as our reference: Stripe's `Idempotency-Key`
   * and transfer metadata, PayPal's `sender_batch_id`/`sender_item_id`, Tremendous's
   * `external_id`. Submitting the same id twice must never pay twice. A re-submission
   * after a failure is a new attempt and passes the attempt-qualified id
   * (`submissionId(payoutId, attempt)`), since the provider would otherwise replay the failure.
   */
  payoutId: string;
  amount: bigint;
  currency: Currency;
  method: MethodId;
  /**
   * The method's parsed details. For live bank payouts these hold only what the
   * provider's hosted onboarding handed back (e.g. a connected account id), never
   * account numbers.
   */
  details: Record<string, unknown>;
  recipient: { email: string; name?: string | null; country: string };
};

export type SubmitResult = {
  status: "processing" | "paid" | "failed";
  /** The provider's own id for the payout (transfer, payout item, order), for polls and webhooks. */
  providerReference: string;
  /** Shown to the platform and, in words, to the recipient; never holds account numbers. */
  failureReason?: string;
};

export type PollResult = {
  status: "processing" | "paid" | "failed" | "returned";
  failureReason?: string;
};

/**
 * What every payout provider does for us: take a payout and tell us where it stands.
 * Live adapters (Stripe Connect, PayPal Payouts, Tremendous) wrap the provider's API;
 * the sandbox plays one for test mode. A provider that cannot be reached throws, and
 * the caller retries with the same id; a provider that refuses the payout answers
 * `failed` with a reason.
 */
export interface PayoutProvider {
  readonly id: string;
  submit(input: SubmitInput): Promise<SubmitResult>;
  poll(providerReference: string): Promise<PollResult>;
}

/** The id a payout's `attempt`-th submission goes under; the first is the payout id itself. */
export function submissionId(payoutId: string, attempt: number): string {
  return attempt <= 1 ? payoutId : `${payoutId}_attempt_${attempt}`;
}
