import type { ProviderId } from "@/db/schema";
import type { MethodId } from "@/lib/methods/types";
import type { Currency } from "@/lib/money";
import type { ProviderFailureCode } from "./reasons";

export type SubmitInput = {
  /**
   * The provider's idempotency key as well as our reference: Stripe's `Idempotency-Key`
   * and transfer metadata, PayPal's `sender_batch_id`/`sender_item_id`, Tremendous's
   * `external_id`. Submitting the same id twice must never pay twice. A re-submission
   * after a failure is a new attempt and passes the attempt-qualified id
   * (`submissionId(payoutId, attempt)`), since the provider would otherwise replay the failure.
   */
  payoutId: string;
  /** What the provider pays: the payout's amount less a fee the recipient bears. */
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
  /** Our stable code for the refusal (`reasons.ts`); live adapters always set it on `failed`. */
  failureCode?: ProviderFailureCode;
};

export type PollResult = {
  status: "processing" | "paid" | "failed" | "returned";
  failureReason?: string;
  failureCode?: ProviderFailureCode;
};

/**
 * What every payout provider does for us: take a payout and tell us where it stands.
 * Live adapters (Stripe Connect, PayPal Payouts, Tremendous) wrap the provider's SDK;
 * the sandbox plays one for test mode. A provider that cannot be reached throws
 * `ProviderUnavailableError`, and the caller retries with the same id; a provider that
 * refuses the payout answers `failed` with a reason.
 */
export interface PayoutProvider {
  readonly id: string;
  submit(input: SubmitInput): Promise<SubmitResult>;
  poll(providerReference: string): Promise<PollResult>;
}

/** A provider webhook, verified and read into what it means for us. */
export type ProviderWebhookEvent = {
  /** The provider's event id: a replay carries the same one. */
  id: string;
  type: string;
  /** The raw event as the provider sent it, parsed. */
  payload: Record<string, unknown>;
  effect:
    | {
        kind: "payout";
        /** The provider's reference of the payout, and our submission id when the event carries it. */
        providerReference: string | null;
        submissionId: string | null;
        status: PollResult["status"];
        failureCode?: ProviderFailureCode;
        failureReason?: string;
      }
    | { kind: "funding"; fundingId: string; amount: bigint; currency: Currency }
    | { kind: "ignored" };
};

/** A request as a route handler received it: the raw bytes are what signatures cover. */
export type InboundWebhook = { headers: Headers; rawBody: string };

/** One payout as the provider's books show it, for reconciliation. */
export type ProviderRecord = {
  providerReference: string;
  /** Our submission id, from the metadata, `sender_item_id` or `external_id` we sent. */
  submissionId: string | null;
  amount: bigint;
  currency: string;
  status: PollResult["status"];
  createdAt: Date;
};

/** Where to send money so that it lands in this provider's balance for us. */
export type FundingInstruction = {
  provider: ProviderId;
  currency: Currency;
  /** How, in one line: "Bank transfer to Stripe", "ACH or wire to Tremendous". */
  method: string;
  /** Name → value pairs a bank form asks for (beneficiary, account, routing, reference). */
  fields: { label: string; value: string }[];
};

/** A live adapter: the interface above plus what webhooks, failover and reconciliation need. */
export interface LivePayoutProvider extends PayoutProvider {
  readonly id: ProviderId;
  /**
   * Where the submission under `submissionId` stands at the provider, or `absent` when
   * the provider has nothing under that key (so nothing was or will be paid by it).
   */
  lookup(submissionId: string): Promise<(PollResult & { providerReference: string }) | "absent">;
  /** Verifies the signature and reads the event; throws `WebhookSignatureError` when forged. */
  parseWebhook(request: InboundWebhook): Promise<ProviderWebhookEvent>;
  /** Every payout record created in `[from, to)`, page by page, for reconciliation. */
  listRecords(range: { from: Date; to: Date }): AsyncIterable<ProviderRecord[]>;
  /** A cheap authenticated read, to check credentials when they are saved. */
  verifyCredentials(): Promise<void>;
  fundingInstructions(): Promise<FundingInstruction[]>;
}

/** The id a payout's `attempt`-th submission goes under; the first is the payout id itself. */
export function submissionId(payoutId: string, attempt: number): string {
  return attempt <= 1 ? payoutId : `${payoutId}_attempt_${attempt}`;
}

/** The payout a submission id belongs to. */
export function payoutIdOfSubmission(id: string): string {
  return id.replace(/_attempt_\d+$/, "");
}

/** The provider could not be reached or did not answer (timeout, connection, 5xx, 429). */
export class ProviderUnavailableError extends Error {
  override name = "ProviderUnavailableError";
  constructor(
    readonly provider: string,
    message: string,
    options: { cause?: unknown } = {},
  ) {
    super(`${provider}: ${message}`, options);
  }
}

/** A webhook whose signature does not verify (or that cannot be read at all). */
export class WebhookSignatureError extends Error {
  override name = "WebhookSignatureError";
}
