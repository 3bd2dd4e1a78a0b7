import { randomUUID } from "node:crypto";
import { readFileSync } from "node:fs";
import path from "node:path";
import type postgres from "postgres";
import { createDb } from "@/db/client";
import { issueClaimLink } from "@/lib/claims/links";
import { CLAIM_SESSION_COOKIE, createClaimSession } from "@/lib/claims/session";
import { getBalances } from "@/lib/ledger";
import { e2eDataDir, e2eStripeDoublePort } from "@/playwright.config";
import { type StripeDouble, startStripeDouble } from "@/tests/providers/stripe-double";
import { campaignFromForm, foundOrganisation } from "../dashboard/flows";
import { campaignPayouts } from "../dashboard/recipients";
import { e2eDatabaseUrl } from "../demo";
import { CLAIM_TEST_TIMEOUT, expect, phone, recipientEmail, test } from "./support";

/*
 * Live money through Stripe Connect, in the browser: a platform with live access connects
 * Stripe on Developers → Providers and funds its balance with a Stripe top-up; its
 * recipient opens the claim link, picks a bank payout and is sent to Stripe's hosted
 * onboarding (the Stripe double's page, at the origin the deployment's STRIPE_API_BASE
 * names), types the bank details there, and comes back to our `onboarded` route; the
 * background submits a transfer + payout and Stripe's `payout.paid` webhook settles it.
 */

test.describe.configure({ timeout: CLAIM_TEST_TIMEOUT });

const stripeKeys = {
  secretKey: `sk_live_e2e${randomUUID().replace(/-/g, "")}`,
  webhookSecret: `whsec_e2e${randomUUID().replace(/-/g, "")}`,
};

let stripe: StripeDouble;
let sql: postgres.Sql;
let db: ReturnType<typeof createDb>["db"];

test.beforeAll(async () => {
  stripe = await startStripeDouble({ ...stripeKeys, port: e2eStripeDoublePort });
  // Claim tokens are derived with the app's secret: the link below is issued with it.
  process.env.AUTH_SECRET = readFileSync(
    path.join(e2eDataDir, "secrets", "auth-secret"),
    "utf8",
  ).trim();
  ({ sql, db } = createDb(e2eDatabaseUrl(), { max: 2 }));
});
test.afterAll(async () => {
  // Every request the app sent to Stripe conformed to Stripe's published document.
  expect(stripe.nonConforming).toEqual([]);
  await stripe.close();
  await sql.end({ timeout: 5 });
});

/** A webhook as the double signs it, posted where Stripe would post it. */
async function deliver(url: string, webhook: { headers: Headers; rawBody: string }) {
  const response = await fetch(url, {
    method: "POST",
    headers: webhook.headers,
    body: webhook.rawBody,
  });
  expect(response.status, await response.text()).toBe(200);
}

test("a live bank payout: Stripe's hosted onboarding, back to the claim, transfer + payout, paid", async ({
  page,
  mailbox,
  browser,
}) => {
  // The platform: a new organisation whose business verification platform operators
  // approved (set here: the approval is not what this test is about), in live mode.
  const name = `Live Co ${randomUUID().slice(0, 8)}`;
  await foundOrganisation(page, mailbox, name);
  const [organisation] = await sql<{ id: string }[]>`
    select id from organisations where name = ${name}`;
  const organisationId = organisation?.id as string;
  await sql`
    insert into organisation_kyb (organisation_id, status) values (${organisationId}, 'approved')
    on conflict (organisation_id) do update set status = 'approved'`;
  await page.getByRole("button", { name: "Live mode" }).click();
  await expect(page.getByRole("button", { name: "Live mode" })).toHaveAttribute(
    "aria-pressed",
    "true",
  );

  // Developers → Providers: the key is checked against Stripe (the double) before it is kept.
  await page.goto("/dashboard/developers/providers");
  const card = page
    .locator("section")
    .filter({ has: page.getByRole("heading", { name: "Stripe", exact: true }) });
  await card.getByLabel("Secret key (sk_live_…)").fill(stripeKeys.secretKey);
  await card.getByLabel("Webhook signing secret (whsec_…)").fill(stripeKeys.webhookSecret);
  await card.getByRole("button", { name: "Connect and check" }).click();
  await expect(card.getByText(/^Connected \(…/)).toBeVisible();
  const webhookUrl = (await card.locator("code").first().textContent()) as string;
  expect(webhookUrl).toContain("/api/providers/stripe/webhooks?");

  // Live money comes only from settled top-ups: Stripe's topup.succeeded credits the balance.
  await deliver(webhookUrl, stripe.topUp(50_000));
  const live = { organisationId, mode: "live" as const };
  await expect
    .poll(async () => (await getBalances(db, live)).find((b) => b.currency === "USD")?.available, {
      timeout: 45_000,
    })
    .toBe(50_000n);

  // A one-payout campaign to a US recipient.
  const email = recipientEmail("rosa");
  const campaign = await campaignFromForm(page, `Live bonus ${name}`, email);
  let payoutId: string | undefined;
  await expect
    .poll(
      async () => {
        payoutId = (await campaignPayouts(campaign.split("/").at(-1) as string)).get(email);
        return payoutId;
      },
      { timeout: 60_000 },
    )
    .toMatch(/^po_/);
  // The recipient's link and verified session, made as the claim page's verify step makes
  // them: live mail leaves only over SMTP, which this server has none of (an SMTP_URL
  // would take every mail out of the dev mailbox the other specs read), so neither the
  // invite nor the code can reach a test. Made once preparation has opened the payout,
  // so that this link is the payout's newest.
  await expect
    .poll(
      async () =>
        (
          await sql<
            { status: string }[]
          >`select status from payouts where id = ${payoutId as string}`
        )[0]?.status,
      { timeout: 60_000 },
    )
    .toBe("claimable");
  const link = await issueClaimLink(db, {
    payoutId: payoutId as string,
    expiresAt: new Date(Date.now() + 86_400_000),
  });
  const session = await createClaimSession(db, {
    ...live,
    claimLinkId: link.linkId,
    payoutId: payoutId as string,
  });
  const claimPath = `/c/${link.token}`;
  const context = await browser.newContext({ ...phone });
  await context.addCookies([
    {
      name: CLAIM_SESSION_COOKIE,
      value: session.token,
      domain: "localhost",
      path: claimPath,
      httpOnly: true,
      sameSite: "Strict",
      secure: false,
      expires: Math.floor(session.session.expiresAt.getTime() / 1000),
    },
  ]);

  // The recipient, on their phone, picks the bank payout.
  const recipient = await context.newPage();
  await recipient.goto(`${claimPath}/methods`);
  await expect(
    recipient.getByRole("heading", { name: "How would you like to be paid?" }),
  ).toBeVisible();
  await recipient.getByRole("link", { name: /^Bank transfer \(ACH\)/ }).click();
  await expect(
    recipient.getByText(
      "You'll enter your bank details on our payment partner's secure page, not here.",
    ),
  ).toBeVisible();
  await recipient.getByRole("button", { name: "Continue to our payment partner" }).click();

  // Stripe's hosted onboarding: the bank details are typed there, never on our pages.
  await recipient.waitForURL(`http://127.0.0.1:${e2eStripeDoublePort}/onboarding/**`);
  await expect(recipient.getByRole("heading", { name: "Set up payouts" })).toBeVisible();
  // A reload: Stripe's links are single-use, so Stripe sends the recipient to our
  // refresh_url, from its own site, which starts them on a fresh link for the same account.
  const firstLink = recipient.url();
  await recipient.reload();
  await expect.poll(() => recipient.url()).not.toBe(firstLink);
  await recipient.waitForURL(`http://127.0.0.1:${e2eStripeDoublePort}/onboarding/**`);
  await expect(recipient.getByRole("heading", { name: "Set up payouts" })).toBeVisible();
  await recipient.getByLabel("Routing number").fill("110000000");
  await recipient.getByLabel("Account number").fill("000123456789");
  await recipient.getByRole("button", { name: "Agree and submit" }).click();

  // Back on our onboarded route, then the payout's status page.
  await recipient.waitForURL(`**${claimPath}/status`);
  const account = [...stripe.accounts.values()].find((a) => a.metadata.payout_id === payoutId);
  expect(account?.details_submitted).toBe(true);
  const [claimed] = await sql<{ method: string; method_details: unknown }[]>`
    select method, method_details from payouts where id = ${payoutId as string}`;
  expect(claimed).toEqual({
    method: "us_ach",
    method_details: { connectedAccount: account?.id },
  });

  // The background submits a transfer to the account and a payout from it to the bank.
  let stripePayout = "";
  await expect
    .poll(
      () => {
        stripePayout =
          [...stripe.payouts.values()].find((p) => p.account === account?.id)?.id ?? "";
        return stripePayout;
      },
      { timeout: 60_000 },
    )
    .not.toBe("");
  expect([...stripe.transfers.values()].filter((t) => t.destination === account?.id)).toHaveLength(
    1,
  );

  // The bank pays; Stripe says so with payout.paid, and the recipient's page shows it.
  await deliver(webhookUrl, stripe.settle(stripePayout, "paid"));
  await expect(recipient.getByRole("main").getByRole("status")).toContainText(
    "Paid! We sent $12.00 via Bank transfer (ACH).",
    { timeout: 45_000 },
  );
});
