import { createHash } from "node:crypto";
import { sanctionedPlace } from "@/lib/compliance/sanctioned-countries";
import { AppError } from "@/lib/errors";
import { getMethod } from "@/lib/methods/catalog";
import { detailsSchemaFor } from "@/lib/methods/method-details";
import type { MethodDefinition, MethodId } from "@/lib/methods/types";
import type { PayoutProvider, PollResult, SubmitInput, SubmitResult } from "./types";

/**
 * Test mode's provider. Outcomes are decided by the last two digits of the amount in
 * minor units, so a developer can steer a payout from the API (docs/payout-methods.md):
 *
 * - `…13`: the recipient's account is closed, the payout fails. Only methods that pay
 *   into an account can fail this way; a gift card, prepaid card or donation is paid,
 *   which lets a test pick another method after the failure and succeed.
 * - `…66`: paid at once, then returned by the recipient's bank or wallet on the next poll
 *   (again only for account methods).
 * - `…77`: slow, for any method: processing for the first `slowPolls` polls, then paid.
 * - anything else: paid at once.
 *
 * Details, currency, amount and country are checked as a real provider would; a payout
 * they don't allow is rejected (failed) whatever its amount.
 */
export const sandboxMagicEndings = { accountClosed: 13n, returned: 66n, slow: 77n } as const;

export const DEFAULT_SLOW_POLLS = 3;

const rewardMethods: ReadonlySet<MethodId> = new Set(["gift_card", "prepaid_visa", "charity"]);

const outcomes = ["paid", "closed", "rejected", "returned", "slow"] as const;
type Outcome = (typeof outcomes)[number];

export const sandboxFailureReasons = {
  closed: "The recipient's account is closed or cannot receive payments.",
  rejected:
    "The provider rejected the payout: the method does not accept these details, this currency, amount or country.",
} as const;

/**
 * The reference is a pure function of the payout id and the outcome, so a retried submit
 * gets the same reference and outcome with nothing remembered, and a poll can read the
 * outcome back from the reference alone.
 */
function referenceFor(payoutId: string, outcome: Outcome): string {
  const digest = createHash("sha256").update(payoutId).digest("hex").slice(0, 24);
  return `sbx_${outcome}_${digest}`;
}

function outcomeOf(reference: string): Outcome | null {
  const match = /^sbx_([a-z]+)_[0-9a-f]{24}$/.exec(reference);
  const outcome = match?.[1];
  return outcomes.find((o) => o === outcome) ?? null;
}

function rejectionOf(method: MethodDefinition, input: SubmitInput): string | null {
  const country = input.recipient.country.toUpperCase();
  if (sanctionedPlace({ country })) return `Payouts to ${country} are not allowed.`;
  if (method.countries !== "*" && !method.countries.includes(country)) {
    return `${method.name} does not pay out to ${country}.`;
  }
  if (!method.currencies.includes(input.currency)) {
    return `${method.name} does not pay out in ${input.currency}.`;
  }
  const min = method.minAmount[input.currency];
  const max = method.maxAmount[input.currency];
  if ((min !== undefined && input.amount < min) || (max !== undefined && input.amount > max)) {
    return `The amount is outside ${method.name}'s limits.`;
  }
  if (!detailsSchemaFor(method, country).safeParse(input.details).success) {
    return `The ${method.name} details are incomplete or invalid.`;
  }
  return null;
}

function decide(input: SubmitInput): { outcome: Outcome; rejection?: string } {
  const method = getMethod(input.method);
  const rejection = rejectionOf(method, input);
  if (rejection) return { outcome: "rejected", rejection };
  const ending = input.amount % 100n;
  if (ending === sandboxMagicEndings.slow) return { outcome: "slow" };
  if (rewardMethods.has(method.id)) return { outcome: "paid" };
  if (ending === sandboxMagicEndings.accountClosed) return { outcome: "closed" };
  if (ending === sandboxMagicEndings.returned) return { outcome: "returned" };
  return { outcome: "paid" };
}

export type SandboxOptions = {
  /** How many polls a slow payout stays processing for. */
  slowPolls?: number;
};

export function createSandboxProvider(options: SandboxOptions = {}): PayoutProvider {
  const slowPolls = options.slowPolls ?? DEFAULT_SLOW_POLLS;
  /*
   * The one thing the sandbox remembers: how often each slow payout was polled. Losing
   * it (a restart, another instance) only restarts the count, so a slow payout may read
   * processing for a few more polls; its reference and final outcome never change.
   */
  const slowPollCounts = new Map<string, number>();

  return {
    id: "sandbox",

    async submit(input: SubmitInput): Promise<SubmitResult> {
      const { outcome, rejection } = decide(input);
      const providerReference = referenceFor(input.payoutId, outcome);
      switch (outcome) {
        case "rejected":
          return { status: "failed", providerReference, failureReason: rejection };
        case "closed":
          return {
            status: "failed",
            providerReference,
            failureReason: sandboxFailureReasons.closed,
          };
        case "slow":
          return { status: "processing", providerReference };
        case "paid":
        case "returned":
          return { status: "paid", providerReference };
      }
    },

    async poll(providerReference: string): Promise<PollResult> {
      const outcome = outcomeOf(providerReference);
      switch (outcome) {
        case null:
          throw new AppError("not_found", `The sandbox has no payout ${providerReference}.`);
        case "paid":
          return { status: "paid" };
        case "returned":
          return {
            status: "returned",
            failureReason: "The recipient's bank returned the payment.",
          };
        case "closed":
          return { status: "failed", failureReason: sandboxFailureReasons.closed };
        case "rejected":
          return { status: "failed", failureReason: sandboxFailureReasons.rejected };
        case "slow": {
          const polls = Math.min((slowPollCounts.get(providerReference) ?? 0) + 1, slowPolls + 1);
          slowPollCounts.set(providerReference, polls);
          return polls > slowPolls ? { status: "paid" } : { status: "processing" };
        }
      }
    },
  };
}
