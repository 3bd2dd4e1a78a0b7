import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { db } from "@/db/client";
import { confirmClaim } from "@/lib/claims/claim-flow";
import { finishHostedOnboarding, startHostedOnboarding } from "@/lib/claims/hosted-onboarding";
import { issueClaimLink } from "@/lib/claims/links";
import { createClaimSession } from "@/lib/claims/session";
import { createPayout, createPayoutBodySchema } from "@/lib/payouts/create-payout";
import { movePayout } from "@/lib/payouts/machine";
import { getPayout } from "@/lib/payouts/queries";
import { liveOrganisation, type ProviderDoubles, startProviderDoubles } from "./live-fixtures";

let doubles: ProviderDoubles;
beforeAll(async () => {
  doubles = await startProviderDoubles();
});
afterAll(async () => {
  expect(doubles.nonConforming()).toEqual([]);
  await doubles.close();
});

async function verifiedLiveClaim() {
  const { scope } = await liveOrganisation(db);
  const payout = await createPayout(
    db,
    scope,
    createPayoutBodySchema.parse({
      recipient: { email: "bank@example.com", name: "Rosa", country: "US" },
      amount: 9_000,
      currency: "USD",
    }),
  );
  await movePayout(db, scope, payout.id, "open");
  const link = await issueClaimLink(db, { payoutId: payout.id, expiresAt: payout.expiresAt });
  const { token: sessionToken } = await createClaimSession(db, {
    ...scope,
    claimLinkId: link.linkId,
    payoutId: payout.id,
  });
  return { scope, payout, token: link.token, sessionToken };
}

describe("Stripe hosted onboarding from the claim page", () => {
  it("sends the recipient to Stripe's page, where the bank details are typed, and claims with the account only", async () => {
    const { scope, payout, token, sessionToken } = await verifiedLiveClaim();
    const started = await startHostedOnboarding(db, { token, sessionToken, method: "us_ach" });
    expect(started?.url).toMatch(new RegExp(`^${doubles.stripe.url}/onboarding/`));

    // The recipient fills in Stripe's form; Stripe sends them back to our return URL.
    const page = await fetch(started?.url as string);
    expect(await page.text()).toMatch(/Routing number/);
    const submitted = await fetch(started?.url as string, {
      method: "POST",
      headers: { "content-type": "application/x-www-form-urlencoded" },
      body: new URLSearchParams({ routing: "110000000", number: "000123456789" }),
      redirect: "manual",
    });
    const back = new URL(submitted.headers.get("location") as string);
    expect(back.pathname).toBe(`/c/${token}/methods/us_ach/onboarded`);
    const account = back.searchParams.get("account") as string;

    expect(
      await finishHostedOnboarding(db, { token, sessionToken, method: "us_ach", account }),
    ).toBe("claimed");
    const claimed = await getPayout(db, scope, payout.id);
    expect(claimed).toMatchObject({
      status: "claimed",
      method: "us_ach",
      methodDetails: { connectedAccount: account },
    });
    // The details we hold are the account id: no routing or account number.
    expect(JSON.stringify(claimed?.methodDetails)).not.toMatch(/110000000|123456789/);
  });

  it("sends a recipient whose link expired or was used to our refresh route, which starts the same account again", async () => {
    const { payout, token, sessionToken } = await verifiedLiveClaim();
    const first = await startHostedOnboarding(db, { token, sessionToken, method: "us_ach" });
    await fetch(first?.url as string);
    // A reload, or the back button: Stripe's links are single-use.
    const again = await fetch(first?.url as string, { redirect: "manual" });
    expect(again.status).toBe(303);
    expect(new URL(again.headers.get("location") as string).pathname).toBe(
      `/c/${token}/methods/us_ach/onboarding`,
    );
    // What that route does: a fresh link, for the account this payout already has.
    const fresh = await startHostedOnboarding(db, { token, sessionToken, method: "us_ach" });
    expect(fresh?.url).not.toBe(first?.url);
    expect(await (await fetch(fresh?.url as string)).text()).toMatch(/Routing number/);
    const accounts = [...doubles.stripe.accounts.values()].filter(
      (a) => a.metadata.payout_id === payout.id,
    );
    expect(accounts).toHaveLength(1);
  });

  it("refuses an account that has not finished onboarding, or someone else's, and bank numbers typed at us", async () => {
    const { payout, token, sessionToken } = await verifiedLiveClaim();
    const started = await startHostedOnboarding(db, { token, sessionToken, method: "us_ach" });
    const account = [...doubles.stripe.accounts.values()].find(
      (a) => a.metadata.payout_id === payout.id,
    )?.id as string;
    expect(started).not.toBeNull();
    expect(
      await finishHostedOnboarding(db, { token, sessionToken, method: "us_ach", account }),
    ).toBe("not_ready");
    const other = await verifiedLiveClaim();
    await startHostedOnboarding(db, {
      token: other.token,
      sessionToken: other.sessionToken,
      method: "us_ach",
    });
    const othersAccount = [...doubles.stripe.accounts.values()].find(
      (a) => a.metadata.payout_id === other.payout.id,
    )?.id as string;
    doubles.stripe.completeOnboarding(othersAccount);
    expect(
      await finishHostedOnboarding(db, {
        token,
        sessionToken,
        method: "us_ach",
        account: othersAccount,
      }),
    ).toBe("not_ready");
    expect(
      await confirmClaim(db, {
        token,
        sessionToken,
        method: "us_ach",
        details: {
          accountHolderName: "Rosa",
          routingNumber: "110000000",
          accountNumber: "000123456789",
          accountType: "checking",
        },
      }),
    ).toEqual({ status: "method_unavailable" });
  });
});
