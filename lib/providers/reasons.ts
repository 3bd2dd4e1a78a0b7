/**
 * Why a provider refused or gave back a payout, as stable codes: the API's
 * `failure_code`, the key of the recipient's message (`claim.reasons.<code>` in
 * messages/*.json) and, through `side`, what happens next. A recipient-side reason
 * fails the payout so the recipient picks another way; a provider-side one is the
 * provider's own trouble, and the submission fails over to the method's next provider.
 */
export const providerFailureReasons = {
  recipient_account_unconfirmed: {
    side: "recipient",
    text: "The recipient's account cannot receive payments yet (unconfirmed or restricted).",
  },
  recipient_account_closed: {
    side: "recipient",
    text: "The recipient's account is closed or cannot receive payments.",
  },
  recipient_account_invalid: {
    side: "recipient",
    text: "No account matches the recipient's details.",
  },
  recipient_onboarding_incomplete: {
    side: "recipient",
    text: "The recipient has not finished the provider's onboarding.",
  },
  recipient_limit_exceeded: {
    side: "recipient",
    text: "The recipient's account cannot receive this amount.",
  },
  returned_unclaimed: {
    side: "recipient",
    text: "The recipient did not claim the payment in time; it came back.",
  },
  returned_by_recipient_bank: {
    side: "recipient",
    text: "The recipient's bank or wallet returned the payment.",
  },
  currency_not_supported: {
    side: "provider",
    text: "The provider cannot pay out in this currency for this account.",
  },
  country_not_supported: {
    side: "provider",
    text: "The provider cannot pay recipients in this country.",
  },
  provider_insufficient_funds: {
    side: "provider",
    text: "The provider balance does not cover the payout.",
  },
  provider_auth_failed: {
    side: "provider",
    text: "The provider refused our credentials.",
  },
  provider_rejected: {
    side: "provider",
    text: "The provider refused the payout.",
  },
  provider_unavailable: {
    side: "provider",
    text: "The provider could not be reached.",
  },
} as const satisfies Record<string, { side: "recipient" | "provider"; text: string }>;

export type ProviderFailureCode = keyof typeof providerFailureReasons;

export const providerFailureCodes = Object.keys(providerFailureReasons) as ProviderFailureCode[];

export function isProviderFailureCode(value: unknown): value is ProviderFailureCode {
  return typeof value === "string" && value in providerFailureReasons;
}

/** Whether the next provider of the method's route may try (the refusal was the provider's). */
export function failsOver(code: ProviderFailureCode): boolean {
  return providerFailureReasons[code].side === "provider";
}

/** The English sentence stored as the payout's `failure_reason`. */
export function reasonText(code: ProviderFailureCode, provider?: string): string {
  const text = providerFailureReasons[code].text;
  return provider ? `${text} (${provider})` : text;
}
