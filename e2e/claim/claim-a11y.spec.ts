import AxeBuilder from "@axe-core/playwright";
import type { Page } from "@playwright/test";
import {
  CLAIM_TEST_TIMEOUT,
  claimPathFor,
  codeFor,
  expect,
  phone,
  recipientEmail,
  test,
  verifyByEmail,
} from "./support";

test.use(phone);
test.describe.configure({ timeout: CLAIM_TEST_TIMEOUT });

/** WCAG 2.2 A/AA rules; a step passes with no serious or critical violation. */
async function expectAccessible(page: Page, step: string) {
  const results = await new AxeBuilder({ page })
    .withTags(["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22aa", "best-practice"])
    .analyze();
  const blocking = results.violations
    .filter((v) => v.impact === "serious" || v.impact === "critical")
    .map((v) => `${v.id}: ${v.nodes.map((n) => n.target.join(" ")).join(", ")}`);
  expect(blocking, `${step} has serious or critical violations`).toEqual([]);
}

test("every claim step passes axe, including errors, review and status", async ({
  page,
  api,
  mailbox,
}) => {
  const email = recipientEmail("axe");
  const payout = await api.createPayout({
    recipient: { email, name: "Axe Tester", country: "DE" },
    amount: 4050,
    currency: "EUR",
    description: "Accessibility audit",
  });
  await page.goto(await claimPathFor(mailbox, payout, email));
  await expectAccessible(page, "landing");

  const asked = new Date(Date.now() - 1000);
  await page.getByRole("button", { name: "Email me a code" }).click();
  await expect(page.getByLabel("6-digit code")).toBeVisible();
  await expectAccessible(page, "code entry");
  await page.getByLabel("6-digit code").fill("12");
  await page.getByRole("button", { name: "Verify", exact: true }).click();
  await expect(page.getByRole("main").getByRole("alert")).toContainText(
    "Enter the 6 digits from the email.",
  );
  await expectAccessible(page, "code error");
  await page.getByLabel("6-digit code").fill(await codeFor(mailbox, email, asked));
  await page.getByRole("button", { name: "Verify", exact: true }).click();

  await expect(page.getByRole("heading", { name: "How would you like to be paid?" })).toBeVisible();
  await expectAccessible(page, "methods");
  await page.getByRole("link", { name: /^Bank transfer \(SEPA\)/ }).click();
  await page.getByRole("button", { name: "Continue" }).click();
  await expect(page.getByText("2 fields need your attention.")).toBeVisible();
  await expectAccessible(page, "details with errors");
  await page.getByLabel("Account holder's name").fill("Axe Tester");
  // Not claim-paid's IBAN: a destination shared by two recipients is held for review.
  await page.getByLabel("IBAN").fill("DE02 1203 0000 0000 2020 51");
  await page.getByRole("button", { name: "Continue" }).click();
  await expect(page.getByRole("heading", { name: "Check and confirm" })).toBeVisible();
  await expectAccessible(page, "review");
  await page.getByRole("button", { name: "Confirm and get paid" }).click();
  // Audited in whatever state it is first shown (sending or already paid), then once paid.
  await expect(page.getByRole("main").getByRole("status")).toBeVisible();
  await expectAccessible(page, "status while sending");
  await expect(page.getByRole("main").getByRole("status")).toContainText("Paid!", {
    timeout: 45_000,
  });
  await expectAccessible(page, "status paid");
});

test("dead ends pass axe: not valid, locked, canceled", async ({ page, api, sql, mailbox }) => {
  await page.goto(`/c/${"B".repeat(43)}`);
  await expectAccessible(page, "link not valid");

  const email = recipientEmail("axe-locked");
  const payout = await api.createPayout({
    recipient: { email, name: "Axe Locked", country: "US" },
    amount: 500,
    currency: "USD",
  });
  const claimPath = await claimPathFor(mailbox, payout, email);
  // The lock itself is proven in claim-dead-ends; here only its page is audited.
  await sql`insert into claim_verifications (claim_link_id, locked_at)
            select id, now() from claim_links where payout_id = ${payout.id} and revoked_at is null
            on conflict (claim_link_id) do update set locked_at = now()`;
  await page.goto(claimPath);
  await expect(page.getByRole("heading", { name: "This link is locked" })).toBeVisible();
  await expectAccessible(page, "locked");

  await api.post(`/payouts/${payout.id}/cancel`, {});
  await page.goto(claimPath);
  await expect(page.getByRole("heading", { name: "This payment was canceled" })).toBeVisible();
  await expectAccessible(page, "canceled");
});

test("a brand colour too light to read is replaced by an accessible one", async ({
  page,
  api,
  sql,
  mailbox,
}) => {
  const email = recipientEmail("axe-brand");
  const payout = await api.createPayout({
    recipient: { email, name: "Light Brand", country: "US" },
    amount: 600,
    currency: "USD",
  });
  const claimPath = await claimPathFor(mailbox, payout, email);
  const [org] = await sql<{ primary_color: string; accent_color: string }[]>`
    select o.primary_color, o.accent_color from organisations o join payouts p on p.organisation_id = o.id
    where p.id = ${payout.id}`;
  try {
    await sql`update organisations set primary_color = '#ffe066', accent_color = '#f1f5f9'
              where id = (select organisation_id from payouts where id = ${payout.id})`;
    await page.goto(claimPath);
    await expectAccessible(page, "landing with a pale brand");
    await verifyByEmail(page, mailbox, email);
    await expectAccessible(page, "methods with a pale brand");
  } finally {
    await sql`update organisations set primary_color = ${org?.primary_color ?? "#4f46e5"},
              accent_color = ${org?.accent_color ?? "#0f172a"}
              where id = (select organisation_id from payouts where id = ${payout.id})`;
  }
});
