import Stripe from "stripe";
import { z } from "zod";
import { type Currency, currencySchema } from "@/lib/money";
import type { ProviderFailureCode } from "./reasons";
import { reasonText } from "./reasons";
import {
  type FundingInstruction,
  type InboundWebhook,
  type LivePayoutProvider,
  type PollResult,
  type ProviderRecord,
  ProviderUnavailableError,
  type ProviderWebhookEvent,
  type SubmitInput,
  type SubmitResult,
  WebhookSignatureError,
} from "./types";

export const stripeCredentialsSchema = z.object({
  secretKey: z
    .string()
    .trim()
    .regex(/^(sk|rk)_(live|test)_[A-Za-z0-9]{8,}$/, "a Stripe secret key (sk_live_…)"),
  webhookSecret: z
    .string()
    .trim()
    .regex(/^whsec_[A-Za-z0-9+/=]{8,}$/, "a webhook signing secret (whsec_…)"),
});
export type StripeCredentials = z.infer<typeof stripeCredentialsSchema>;

export type StripeSettings = {
  /** Another origin for Stripe's API (a regional proxy); Stripe's own by default. */
  apiBaseUrl?: string;
};

/** What a Stripe bank payout's method details hold: the recipient's connected account, nothing else. */
export const stripeRecipientDetailsSchema = z.object({
  connectedAccount: z.string().regex(/^acct_[A-Za-z0-9]+$/),
});

/** Stripe's codes (`error.code`, `payout.failure_code`) that are the recipient's to fix. */
const recipientCodes: Record<string, ProviderFailureCode> = {
  account_closed: "recipient_account_closed",
  account_frozen: "recipient_account_closed",
  bank_account_restricted: "recipient_account_closed",
  no_account: "recipient_account_invalid",
  invalid_account_number: "recipient_account_invalid",
  incorrect_account_holder_name: "recipient_account_invalid",
  invalid_currency: "currency_not_supported",
  account_invalid: "recipient_onboarding_incomplete",
  payouts_not_allowed: "recipient_onboarding_incomplete",
  insufficient_capabilities_for_transfer: "recipient_onboarding_incomplete",
  balance_insufficient: "provider_insufficient_funds",
  insufficient_funds: "provider_insufficient_funds",
};

function failureCodeOf(code: string | null | undefined): ProviderFailureCode {
  return (code && recipientCodes[code]) || "provider_rejected";
}

/** Our payout reference for a Stripe bank payout: the connected account and its payout. */
function referenceOf(account: string, payoutId: string): string {
  return `${account}/${payoutId}`;
}

function parseReference(reference: string): { account: string; payout: string } {
  const [account, payout] = reference.split("/");
  if (!account?.startsWith("acct_") || !payout)
    throw new Error(`Not a Stripe reference: ${reference}`);
  return { account, payout };
}

function statusOfPayout(payout: Stripe.Payout): PollResult {
  switch (payout.status) {
    case "paid":
      return { status: "paid" };
    case "failed":
    case "canceled": {
      const failureCode = failureCodeOf(payout.failure_code);
      return { status: "failed", failureCode, failureReason: reasonText(failureCode, "Stripe") };
    }
    default:
      return { status: "processing" };
  }
}

/** Errors Stripe answered with a decline are the payout's outcome; anything else is "try again". */
function declineOf(error: unknown): ProviderFailureCode | null {
  if (error instanceof Stripe.errors.StripeAuthenticationError) return "provider_auth_failed";
  if (error instanceof Stripe.errors.StripePermissionError) return "provider_auth_failed";
  if (
    error instanceof Stripe.errors.StripeInvalidRequestError ||
    error instanceof Stripe.errors.StripeCardError
  ) {
    return failureCodeOf(error.code);
  }
  return null;
}

function unavailable(error: unknown): ProviderUnavailableError {
  return new ProviderUnavailableError("stripe", (error as Error).message ?? "unreachable", {
    cause: error,
  });
}

export function stripeClient(
  credentials: Pick<StripeCredentials, "secretKey">,
  settings: StripeSettings = {},
) {
  const base = settings.apiBaseUrl ? new URL(settings.apiBaseUrl) : null;
  return new Stripe(credentials.secretKey, {
    // Retries are ours (the step's, with the same idempotency key), so a slow provider
    // is not asked several times inside one step.
    maxNetworkRetries: 0,
    timeout: 20_000,
    ...(base && {
      host: base.hostname,
      port: base.port || (base.protocol === "https:" ? 443 : 80),
      protocol: base.protocol === "https:" ? "https" : "http",
    }),
  });
}

/**
 * Bank payouts through Stripe Connect: the recipient's bank details live in their
 * Express account (collected on Stripe's hosted onboarding); we move the money with a
 * transfer to that account, then a payout from it to the bank, each under an idempotency
 * key derived from the submission id, so a retry never moves money twice.
 */
export function createStripeProvider(
  credentials: StripeCredentials,
  settings: StripeSettings = {},
): LivePayoutProvider & {
  createRecipientAccount(input: {
    payoutId: string;
    email: string;
    country: string;
  }): Promise<string>;
  onboardingLink(input: {
    account: string;
    returnUrl: string;
    refreshUrl: string;
  }): Promise<string>;
  recipientReady(account: string, payoutId: string): Promise<boolean>;
} {
  const stripe = stripeClient(credentials, settings);

  async function payOut(input: SubmitInput, account: string): Promise<SubmitResult> {
    const payout = await stripe.payouts.create(
      {
        amount: Number(input.amount),
        currency: input.currency.toLowerCase(),
        metadata: { submission_id: input.payoutId },
      },
      { idempotencyKey: `${input.payoutId}:payout`, stripeAccount: account },
    );
    const status = statusOfPayout(payout);
    return {
      ...status,
      status: status.status === "returned" ? "failed" : status.status,
      providerReference: referenceOf(account, payout.id),
    };
  }

  async function call<T>(run: () => Promise<T>): Promise<T | { declined: ProviderFailureCode }> {
    try {
      return await run();
    } catch (error) {
      const declined = declineOf(error);
      if (declined) return { declined };
      throw unavailable(error);
    }
  }

  return {
    id: "stripe",

    async submit(input) {
      const details = stripeRecipientDetailsSchema.safeParse(input.details);
      if (!details.success) {
        return {
          status: "failed",
          providerReference: input.payoutId,
          failureCode: "recipient_onboarding_incomplete",
          failureReason: reasonText("recipient_onboarding_incomplete", "Stripe"),
        };
      }
      const account = details.data.connectedAccount;
      const transfer = await call(() =>
        stripe.transfers.create(
          {
            amount: Number(input.amount),
            currency: input.currency.toLowerCase(),
            destination: account,
            transfer_group: input.payoutId,
            metadata: { submission_id: input.payoutId },
          },
          { idempotencyKey: input.payoutId },
        ),
      );
      if ("declined" in transfer) {
        return {
          status: "failed",
          providerReference: input.payoutId,
          failureCode: transfer.declined,
          failureReason: reasonText(transfer.declined, "Stripe"),
        };
      }
      const paid = await call(() => payOut(input, account));
      if ("declined" in paid) {
        return {
          status: "failed",
          providerReference: transfer.id,
          failureCode: paid.declined,
          failureReason: reasonText(paid.declined, "Stripe"),
        };
      }
      return paid;
    },

    async poll(reference) {
      const { account, payout } = parseReference(reference);
      try {
        return statusOfPayout(
          await stripe.payouts.retrieve(payout, {}, { stripeAccount: account }),
        );
      } catch (error) {
        throw unavailable(error);
      }
    },

    async lookup(id) {
      try {
        const transfers = await stripe.transfers.list({ transfer_group: id, limit: 1 });
        const [transfer] = transfers.data;
        if (!transfer) return "absent";
        // The transfer went through; the payout from the connected account is replayed
        // (or made) under its own key, which completes the submission exactly once.
        const amount = transfer.amount;
        const result = await payOut(
          {
            payoutId: id,
            amount: BigInt(amount),
            currency: transfer.currency.toUpperCase() as Currency,
          } as SubmitInput,
          String(transfer.destination),
        );
        return result.status === "failed"
          ? { ...result, status: "failed" }
          : { ...result, status: result.status };
      } catch (error) {
        throw unavailable(error);
      }
    },

    async parseWebhook(request: InboundWebhook): Promise<ProviderWebhookEvent> {
      const signature = request.headers.get("stripe-signature");
      let event: Stripe.Event;
      try {
        event = stripe.webhooks.constructEvent(
          request.rawBody,
          signature ?? "",
          credentials.webhookSecret,
        );
      } catch (error) {
        throw new WebhookSignatureError((error as Error).message);
      }
      const payload = JSON.parse(request.rawBody) as Record<string, unknown>;
      const base = { id: event.id, type: event.type, payload };
      switch (event.type) {
        case "payout.paid":
        case "payout.failed":
        case "payout.canceled": {
          const payout = event.data.object;
          if (!event.account) return { ...base, effect: { kind: "ignored" } };
          return {
            ...base,
            effect: {
              kind: "payout",
              providerReference: referenceOf(event.account, payout.id),
              submissionId: payout.metadata?.submission_id ?? null,
              ...statusOfPayout(payout),
            },
          };
        }
        case "topup.succeeded": {
          const topup = event.data.object;
          const currency = currencySchema.safeParse(topup.currency.toUpperCase());
          if (!currency.success || event.account) return { ...base, effect: { kind: "ignored" } };
          return {
            ...base,
            effect: {
              kind: "funding",
              fundingId: topup.id,
              amount: BigInt(topup.amount),
              currency: currency.data,
            },
          };
        }
        default:
          return { ...base, effect: { kind: "ignored" } };
      }
    },

    async *listRecords(range) {
      const created = {
        gte: Math.floor(range.from.getTime() / 1000),
        lt: Math.floor(range.to.getTime() / 1000),
      };
      let startingAfter: string | undefined;
      for (;;) {
        const page = await stripe.transfers
          .list({ created, limit: 100, starting_after: startingAfter })
          .catch((error) => {
            throw unavailable(error);
          });
        yield page.data.map(
          (t): ProviderRecord => ({
            providerReference: t.id,
            submissionId: t.metadata?.submission_id ?? t.transfer_group ?? null,
            amount: BigInt(t.amount - (t.amount_reversed ?? 0)),
            currency: t.currency.toUpperCase(),
            status: t.reversed ? "returned" : "paid",
            createdAt: new Date(t.created * 1000),
          }),
        );
        if (!page.has_more || page.data.length === 0) return;
        startingAfter = page.data.at(-1)?.id;
      }
    },

    async verifyCredentials() {
      try {
        await stripe.balance.retrieve();
      } catch (error) {
        if (declineOf(error) === "provider_auth_failed") throw new Error("Stripe refused the key.");
        throw unavailable(error);
      }
    },

    async fundingInstructions(): Promise<FundingInstruction[]> {
      const balance = await stripe.balance.retrieve().catch((error) => {
        throw unavailable(error);
      });
      const currencies = new Set(balance.available.map((b) => b.currency.toUpperCase()));
      return [...currencies]
        .map((c) => currencySchema.safeParse(c))
        .filter((c) => c.success)
        .map((c) => ({
          provider: "stripe" as const,
          currency: c.data,
          method: "Top up the Stripe balance by bank transfer",
          fields: [
            { label: "Where", value: "Stripe Dashboard → Balances → Add to balance" },
            { label: "Credited here", value: "when Stripe reports the top-up succeeded" },
          ],
        }));
    },

    async createRecipientAccount(input) {
      try {
        const account = await stripe.accounts.create(
          {
            type: "express",
            country: input.country,
            email: input.email,
            capabilities: { transfers: { requested: true } },
            metadata: { payout_id: input.payoutId },
          },
          { idempotencyKey: `onboarding:${input.payoutId}` },
        );
        return account.id;
      } catch (error) {
        throw unavailable(error);
      }
    },

    async onboardingLink(input) {
      try {
        const link = await stripe.accountLinks.create({
          account: input.account,
          refresh_url: input.refreshUrl,
          return_url: input.returnUrl,
          type: "account_onboarding",
        });
        return link.url;
      } catch (error) {
        throw unavailable(error);
      }
    },

    async recipientReady(account, payoutId) {
      try {
        const found = await stripe.accounts.retrieve(account);
        return (
          found.metadata?.payout_id === payoutId &&
          found.details_submitted === true &&
          found.payouts_enabled === true
        );
      } catch (error) {
        if (declineOf(error)) return false;
        throw unavailable(error);
      }
    },
  };
}

export type StripeProvider = ReturnType<typeof createStripeProvider>;
