import { InngestTestEngine } from "@inngest/test";
import { and, count, eq } from "drizzle-orm";
import { afterAll, beforeAll, expect } from "vitest";
import type { DbOrTx } from "@/db/client";
import { type FeeBearer, organisations, type ProviderId, providerEvents } from "@/db/schema";
import type { Scope } from "@/db/scope";
import { submitPayout } from "@/inngest/functions/submit-payout";
import type { ActingMember } from "@/lib/audit/record";
import type { MethodId } from "@/lib/methods/types";
import { createPayout, createPayoutBodySchema } from "@/lib/payouts/create-payout";
import { movePayout, type PayoutRow } from "@/lib/payouts/machine";
import { getPayout } from "@/lib/payouts/queries";
import { serializePayout } from "@/lib/payouts/serialize";
import { saveProviderCredentials } from "@/lib/providers/credentials";
import { setRoute } from "@/lib/providers/routing";
import { createStripeProvider, type StripeProvider } from "@/lib/providers/stripe";
import { applyProviderEvent, receiveProviderWebhook } from "@/lib/providers/webhooks";
import { type EventSink, eventOf, startEventSink } from "@/tests/functions/harness";
import { fund, insertOrganisation } from "@/tests/payouts/fixtures";
import { startPaypalDouble } from "./paypal-double";
import { startStripeDouble } from "./stripe-double";
import { startTremendousDouble } from "./tremendous-double";

process.env.AUTH_SECRET ??= "providers-test-secret-providers-test-secret-01";

export const stripeKeys = {
  secretKey: "sk_live_double0123456789",
  webhookSecret: "whsec_double0123456789",
};
export const paypalKeys = {
  clientId: "paypal-client-id-0001",
  clientSecret: "paypal-client-secret-0001",
  webhookId: "1JE4291016473214C",
};
export const tremendousKeys = {
  apiKey: "PROD_tremendous-api-key-000001",
  webhookPrivateKey: "tremendous-private-key-0001",
};
export const tremendousProducts = {
  gift_card: "AMAZON-US",
  prepaid_visa: "VISA-US",
  charity: "CHARITY-US",
  paypal: "PAYPAL-US",
  venmo: "VENMO-US",
};

/**
 * The three provider doubles, with the deployment pointed at them by base URL only
 * (STRIPE_API_BASE, PAYPAL_API_BASE, TREMENDOUS_API_BASE), as an operator would point it
 * at a gateway: the adapters and SDKs run exactly as in production.
 */
export async function startProviderDoubles() {
  const [stripe, paypal, tremendous] = await Promise.all([
    startStripeDouble(stripeKeys),
    startPaypalDouble(paypalKeys),
    startTremendousDouble(tremendousKeys),
  ]);
  process.env.STRIPE_API_BASE = stripe.url;
  process.env.PAYPAL_API_BASE = paypal.url;
  process.env.TREMENDOUS_API_BASE = `${tremendous.url}/api/v2`;
  return {
    stripe,
    paypal,
    tremendous,
    nonConforming: () => [
      ...stripe.nonConforming,
      ...paypal.nonConforming,
      ...tremendous.nonConforming,
    ],
    recover() {
      stripe.recover();
      paypal.recover();
      tremendous.recover();
    },
    async close() {
      await Promise.all([stripe.close(), paypal.close(), tremendous.close()]);
    },
  };
}

export type ProviderDoubles = Awaited<ReturnType<typeof startProviderDoubles>>;

/**
 * The doubles and an event sink for one test file, handed to `use` once started; when the
 * file ends, every request the adapters sent must have conformed to the providers'
 * published documents.
 */
export function withProviderDoubles(use: (doubles: ProviderDoubles) => void): void {
  let doubles: ProviderDoubles;
  let sink: EventSink;
  beforeAll(async () => {
    doubles = await startProviderDoubles();
    sink = await startEventSink();
    use(doubles);
  });
  afterAll(async () => {
    expect(doubles.nonConforming()).toEqual([]);
    await sink.close();
    await doubles.close();
  });
}

/** Runs the submission function for a claimed payout, as the relay's `payout.claimed` would. */
export async function submitClaimed(scope: Scope, row: PayoutRow) {
  const event = eventOf("payout.claimed", {
    organisation_id: scope.organisationId,
    mode: scope.mode,
    object: serializePayout(row),
    previous_status: "claimable",
    reason: null,
  });
  return new InngestTestEngine({ function: submitPayout, events: [event] }).execute();
}

/** A live organisation with every provider connected (credentials checked by the doubles) and funds. */
export async function liveOrganisation(
  db: DbOrTx,
  options: { feeBearer?: FeeBearer; routes?: Partial<Record<MethodId, ProviderId[]>> } = {},
): Promise<{ scope: Scope; member: ActingMember }> {
  const { organisationId } = await insertOrganisation(db, {
    feeBearer: options.feeBearer ?? "platform",
  });
  const scope: Scope = { organisationId, mode: "live" };
  const member: ActingMember = { scope, actor: { id: "usr_live_admin", label: "Live Admin" } };
  await saveProviderCredentials(db, member, { provider: "stripe", credentials: stripeKeys });
  await saveProviderCredentials(db, member, {
    provider: "paypal",
    credentials: paypalKeys,
    settings: { environment: "sandbox" },
  });
  await saveProviderCredentials(db, member, {
    provider: "tremendous",
    credentials: tremendousKeys,
    settings: { products: tremendousProducts },
  });
  for (const [method, providers] of Object.entries(options.routes ?? {})) {
    await setRoute(db, member, { method, providers });
  }
  await fund(db, scope, 1_000_000n);
  return { scope, member };
}

/** A live payout the recipient has claimed with `method` and its details. */
export async function claimedLivePayout(
  db: DbOrTx,
  scope: Scope,
  input: { amount: number; method: MethodId; details: Record<string, unknown>; email?: string },
): Promise<PayoutRow> {
  const row = await createPayout(
    db,
    scope,
    createPayoutBodySchema.parse({
      recipient: {
        email: input.email ?? `r${Math.random().toString(36).slice(2, 8)}@example.com`,
        name: "Rosa",
        country: "US",
      },
      amount: input.amount,
      currency: "USD",
    }),
  );
  await movePayout(db, scope, row.id, "open");
  return movePayout(db, scope, row.id, "claim", {
    actor: "recipient",
    changes: { method: input.method, methodDetails: input.details },
  });
}

/** A recipient's Stripe Express account, onboarded on the double's hosted page. */
export async function onboardedStripeAccount(doubles: ProviderDoubles, payoutId: string) {
  const stripe: StripeProvider = createStripeProvider(stripeKeys, {
    apiBaseUrl: doubles.stripe.url,
  });
  const account = await stripe.createRecipientAccount({
    payoutId,
    email: "rosa@example.com",
    country: "US",
  });
  doubles.stripe.completeOnboarding(account);
  return account;
}

/** A provider's webhook through the route's intake, then applied as the background would. */
export async function deliverWebhook(
  db: DbOrTx,
  scope: Scope,
  provider: ProviderId,
  webhook: { headers: Headers; rawBody: string },
) {
  const receipt = await receiveProviderWebhook(db, {
    provider,
    searchParams: new URLSearchParams({ organisation: scope.organisationId, mode: scope.mode }),
    headers: webhook.headers,
    rawBody: webhook.rawBody,
  });
  const outcome =
    receipt.status === 200 && receipt.eventId
      ? await applyProviderEvent(db, scope, receipt.eventId)
      : null;
  return { receipt, outcome };
}

export async function providerEventCount(db: DbOrTx, scope: Scope) {
  const [row] = await db
    .select({ n: count() })
    .from(providerEvents)
    .where(
      and(
        eq(providerEvents.organisationId, scope.organisationId),
        eq(providerEvents.mode, scope.mode),
      ),
    );
  return row?.n ?? 0;
}

export async function statusOf(db: DbOrTx, scope: Scope, payoutId: string) {
  return (await getPayout(db, scope, payoutId))?.status;
}

export { organisations };
