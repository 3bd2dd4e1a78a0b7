import { foundOrganisation } from "./flows";
import { campaignCsv, expect, freshEmail, personAt, test } from "./support";

test("a finance lead pays a CSV campaign that a second member approves, and support finds one payout", async ({
  page,
  browser,
  mailbox,
}) => {
  test.setTimeout(360_000);
  // The finance lead's own organisation, so its approval rule touches no other test.
  await foundOrganisation(page, mailbox, "Creator Co");

  // Every USD campaign in this organisation needs a second member's approval.
  await page.goto("/dashboard/settings");
  await page.getByRole("combobox", { name: "Currency", exact: true }).selectOption("USD");
  await page.getByLabel("Threshold", { exact: true }).fill("0");
  await page.getByRole("button", { name: "Save threshold" }).click();
  await expect(page.getByText("Approval threshold saved.")).toBeVisible();

  const financeEmail = freshEmail("finance", "acme.test");
  await page.goto("/dashboard/team");
  await page.getByLabel("Email", { exact: true }).fill(financeEmail);
  await page.getByRole("combobox", { name: "Role", exact: true }).selectOption("finance");
  await page.getByRole("button", { name: "Send invitation" }).click();
  await expect(page.getByText(`Invitation sent to ${financeEmail}.`)).toBeVisible();

  // 50 rows, two of them wrong: data rows 7 and 42 are spreadsheet rows 8 and 43.
  const prefix = `e2e${Date.now().toString(36)}`;
  const csv = campaignCsv(prefix, 50, { 7: { email: "not-an-email" }, 42: { country: "XX" } });
  await page.goto("/dashboard/campaigns/new");
  await page.getByLabel("Name", { exact: true }).fill(`Creators ${prefix}`);
  await page.getByLabel(/CSV file/).setInputFiles({
    name: "creators.csv",
    mimeType: "text/csv",
    buffer: Buffer.from(csv),
  });
  await page.getByRole("button", { name: "Check recipients" }).click();
  await expect(page.getByTestId("invalid-count")).toHaveText("2");
  const invalid = page.getByTestId("invalid-row");
  await expect(invalid).toHaveCount(2);
  await expect(invalid.nth(0)).toContainText("Row 8");
  await expect(invalid.nth(0)).toContainText("email: not a valid email address");
  await expect(invalid.nth(1)).toContainText("Row 43");
  await expect(invalid.nth(1)).toContainText('country: "XX" is not an ISO 3166-1 country code');
  await expect(page.getByRole("button", { name: /Create campaign/ })).toBeDisabled();

  const [download] = await Promise.all([
    page.waitForEvent("download"),
    page.getByRole("button", { name: "Download error report (CSV)" }).click(),
  ]);
  const report = await download.createReadStream().then(async (stream) => {
    const chunks: Buffer[] = [];
    for await (const chunk of stream) chunks.push(chunk as Buffer);
    return Buffer.concat(chunks).toString("utf8").trim().split(/\r?\n/);
  });
  expect(report).toHaveLength(3);
  expect(report[1]).toMatch(/^8,"?email: not a valid email address/);
  expect(report[2]).toMatch(/^43,/);

  await page.getByLabel("Row 8 email").fill(`${prefix}-7@example.com`);
  await page.getByLabel("Row 43 country").fill("GB");
  await page.getByRole("button", { name: "Check again" }).click();
  await expect(page.getByTestId("invalid-count")).toHaveText("0");
  await page.getByRole("button", { name: /Create campaign · 50 payouts/ }).click();
  await page.waitForURL(/\/dashboard\/campaigns\/bat_/);
  const campaignPath = new URL(page.url()).pathname;
  await expect(page.getByRole("heading", { name: "Approval needed" })).toBeVisible();
  await expect(page.getByText("You created it, so someone else must approve it.")).toBeVisible();

  // The finance member accepts the invitation and approves.
  const invitationPath = new URL(
    await mailbox.link({ to: financeEmail, kind: "invitation" }, /\/dashboard\/invitations\//),
  ).pathname;
  const finance = await personAt(browser, mailbox, financeEmail, invitationPath);
  await finance.getByRole("button", { name: "Accept and open the dashboard" }).click();
  await expect(finance.getByRole("heading", { name: "Overview" })).toBeVisible();
  await finance.goto(campaignPath);
  await finance.getByRole("button", { name: "Approve campaign" }).click();
  const progress = finance.getByRole("progressbar", { name: "Campaign fan-out" });
  await expect(progress).toHaveAttribute("aria-valuenow", "100", { timeout: 120_000 });
  await expect(finance.getByTestId("reconciliation")).toContainText("Reconciled");

  // "Where is my money?" — one search by email.
  const email = `${prefix}-12@example.com`;
  await page.goto("/dashboard/payouts");
  await page.getByLabel("Search payouts").fill(email);
  await page.getByRole("button", { name: "Search" }).click();
  const found = page.getByRole("row").filter({ hasText: email });
  await expect(found).toHaveCount(1);
  await found.getByRole("link").click();
  await expect(page.getByTestId("ledger-entries")).toContainText("available → reserved");
  await expect(page.getByTestId("ledger-entries")).toContainText("$6.50");

  await expect.poll(() => mailbox.count({ to: email, kind: "invite" })).toBe(1);
  await page.getByRole("button", { name: "Resend the link" }).click();
  await expect(page.getByText(`Sent the link again to ${email}.`)).toBeVisible();
  await expect.poll(() => mailbox.count({ to: email, kind: "invite" })).toBe(2);
});
