import type { Page } from "@playwright/test";
import { foundOrganisation } from "./flows";
import { campaignPayouts, claimAsRecipient } from "./recipients";
import { expect, freshEmail, test } from "./support";

test.use({ viewport: { width: 1280, height: 800 } });

/** A campaign from a CSV in `currency`, sent at once (no approval threshold). */
async function sendCampaign(page: Page, name: string, currency: string, csv: string) {
  await page.goto("/dashboard/campaigns/new");
  await page.getByLabel("Name", { exact: true }).fill(name);
  await page.getByLabel("Currency", { exact: true }).selectOption(currency);
  await page.getByLabel(/CSV file/).setInputFiles({
    name: "recipients.csv",
    mimeType: "text/csv",
    buffer: Buffer.from(csv),
  });
  await page.getByRole("button", { name: "Check recipients" }).click();
  await expect(page.getByTestId("invalid-count")).toHaveText("0");
  await page.getByRole("button", { name: /Create campaign/ }).click();
  await page.waitForURL(/\/dashboard\/campaigns\/bat_/);
  await expect(page.getByRole("progressbar", { name: "Campaign fan-out" })).toHaveAttribute(
    "aria-valuenow",
    "100",
    { timeout: 120_000 },
  );
  return new URL(page.url()).pathname;
}

/** The campaign list's row for `name`, once the page shows `text` in it. */
async function campaignRow(page: Page, name: string, text: string) {
  await expect
    .poll(
      async () => {
        await page.goto("/dashboard/campaigns");
        return page.getByRole("row").filter({ hasText: name }).textContent();
      },
      { timeout: 150_000, intervals: [2_000, 5_000] },
    )
    .toContain(text);
  return page.getByRole("row").filter({ hasText: name });
}

async function screenshots(page: Page, name: string) {
  for (const [label, viewport] of [
    ["desktop", { width: 1280, height: 800 }],
    ["phone", { width: 360, height: 740 }],
  ] as const) {
    await page.setViewportSize(viewport);
    await page.waitForTimeout(300);
    await page.screenshot({
      path: test.info().outputPath(`${name}-${label}.png`),
      fullPage: true,
    });
  }
  await page.setViewportSize({ width: 1280, height: 800 });
}

test("a finance lead sees where each campaign's money is, on charts read at a glance and a timeline in words", async ({
  page,
  mailbox,
}) => {
  test.setTimeout(480_000);
  const { owner } = await foundOrganisation(page, mailbox, "Finance View Co");
  await page.goto("/dashboard/funding");
  await page.getByRole("combobox", { name: "Currency", exact: true }).first().selectOption("EUR");
  await page.getByLabel("Amount", { exact: true }).fill("1000");
  await page.getByRole("button", { name: "Add test funds" }).click();
  await expect(page.getByText("Added €1,000.00 of test money.")).toBeVisible();

  // Three creators paid in USD: one by PayPal, one whose PayPal account is closed (the
  // sandbox fails amounts ending in 13), one who has not claimed yet.
  const paid = freshEmail("paid");
  const failed = freshEmail("failed");
  const waiting = freshEmail("waiting");
  const usdName = `Creators ${Date.now().toString(36)}`;
  const usdPath = await sendCampaign(
    page,
    usdName,
    "USD",
    [
      "email,name,country,amount",
      `${paid},Pat Paid,US,25.00`,
      `${failed},Fay Failed,US,30.13`,
      `${waiting},Will Waiting,US,12.00`,
    ].join("\n"),
  );
  const lukas = freshEmail("lukas");
  const eurName = `Tutorials ${Date.now().toString(36)}`;
  const eurPath = await sendCampaign(
    page,
    eurName,
    "EUR",
    ["email,name,country,amount", `${lukas},Lukas Weber,DE,40.00`].join("\n"),
  );

  // Every link is out: the campaign is "sent", nothing claimed yet.
  const before = await campaignRow(page, usdName, "sent");
  await expect(before.getByRole("cell").nth(3)).toHaveText(/^0\s*\$0\.00$/);

  const usd = await campaignPayouts(usdPath.split("/").at(-1) as string);
  const eur = await campaignPayouts(eurPath.split("/").at(-1) as string);
  await claimAsRecipient(usd.get(paid) as string, "paypal", { account: paid });
  await claimAsRecipient(usd.get(failed) as string, "paypal", { account: failed });
  await claimAsRecipient(eur.get(lukas) as string, "sepa", {
    accountHolderName: "Lukas Weber",
    iban: "DE89370400440532013000",
  });

  // The list: status, then claimed and paid counts with their amounts.
  const headers = page.getByRole("columnheader");
  const row = await campaignRow(page, usdName, "$25.00");
  await expect(headers).toHaveText([
    "Name",
    "Status",
    "Payouts",
    "Claimed",
    "Paid",
    "Total",
    "Created",
  ]);
  const cells = row.getByRole("cell");
  await expect(cells.nth(1)).toHaveText("sent");
  await expect(cells.nth(2)).toHaveText("3");
  await expect(cells.nth(3)).toHaveText(/^2\s*\$55\.13$/);
  await expect(cells.nth(4)).toHaveText(/^1\s*\$25\.00$/);
  await expect(cells.nth(5)).toHaveText("$67.13");
  await campaignRow(page, eurName, "€40.00");
  await screenshots(page, "campaign-list");

  // The failed payout's page says what happened in words, then support cancels it.
  await page.goto(`/dashboard/payouts/${usd.get(failed)}`);
  const timeline = page.getByRole("list", { name: "Timeline, oldest first" });
  await expect(timeline).toContainText("Reserved $30.13 from available.");
  await expect(timeline).toContainText("Claimed by the recipient: a payout method was chosen.");
  await expect(timeline).toContainText("Moved $30.13 to in transit for the provider.");
  await expect(timeline).toContainText(
    "The payment failed: The recipient's account is closed or cannot receive payments.",
  );
  await expect(timeline).toContainText("Reserved $30.13 again after the payment failed.");
  await expect(timeline).not.toContainText("{");
  page.once("dialog", (dialog) => dialog.accept());
  await page.getByRole("button", { name: "Cancel payout" }).click();
  // The page re-renders without the Cancel button; the message stays.
  await expect(page.getByText("Nothing to do: this payout is canceled.")).toBeVisible();
  await expect(
    page.getByRole("status").filter({ hasText: "Payout canceled; its funds are back" }),
  ).toBeVisible();
  await expect(timeline).toContainText("Released $30.13 to available.");
  await expect(timeline).toContainText(`${owner} canceled the payout and released $30.13.`);

  // The unclaimed one: resend, reissue, then cancel, each message visible after the page
  // has re-rendered with its result.
  await page.goto(`/dashboard/payouts/${usd.get(waiting)}`);
  await page.getByRole("button", { name: "Resend the link" }).click();
  await expect(page.getByRole("status").filter({ hasText: "Sent the link again" })).toHaveText(
    `Sent the link again to ${waiting}.`,
  );
  await expect(timeline).toContainText(`${owner} sent the claim link again.`);
  page.once("dialog", (dialog) => dialog.accept());
  await page.getByRole("button", { name: "Reissue the link" }).click();
  await expect(timeline).toContainText(
    `${owner} issued a new claim link; the old one stopped working.`,
  );
  await expect(
    page.getByRole("status").filter({ hasText: "Issued a new link and emailed it." }),
  ).toBeVisible();
  await expect(timeline).toContainText("The claim link stopped working.");
  await screenshots(page, "payout");
  page.once("dialog", (dialog) => dialog.accept());
  await page.getByRole("button", { name: "Cancel payout" }).click();
  await expect(page.getByText("Nothing to do: this payout is canceled.")).toBeVisible();
  await expect(
    page.getByRole("status").filter({ hasText: "Payout canceled; its funds are back" }),
  ).toBeVisible();

  // Paid, canceled, canceled: every payout is settled, so the campaign is completed.
  const done = await campaignRow(page, usdName, "completed");
  await expect(done.getByRole("cell").nth(4)).toHaveText(/^1\s*\$25\.00$/);
  await page.goto(usdPath);
  await expect(page.getByRole("heading", { name: usdName })).toBeVisible();
  await expect(page.getByTestId("campaign-status-meaning")).toHaveText(
    "Every payout is settled: paid, or canceled or expired with its funds released.",
  );
  const money = page
    .locator("section")
    .filter({ has: page.getByRole("heading", { name: "Money" }) });
  await expect(money.getByText("Paid", { exact: true })).toBeVisible();
  await expect(money).toContainText("$25.00");
  await expect(money).toContainText("$42.13");
  await screenshots(page, "campaign");

  // The overview: amounts per currency, named methods and countries, labels on the bars.
  await page.goto("/dashboard");
  const byMethodUsd = page.getByRole("figure", { name: "Paid volume by method in USD" });
  await expect(byMethodUsd).toContainText("PayPal");
  await expect(byMethodUsd).toContainText("$25.00");
  await expect(byMethodUsd).not.toContainText("paypal");
  const byMethodEur = page.getByRole("figure", { name: "Paid volume by method in EUR" });
  await expect(byMethodEur).toContainText("Bank transfer (SEPA)");
  await expect(byMethodEur).toContainText("€40.00");
  await expect(page.getByRole("figure", { name: "Paid volume by country in USD" })).toContainText(
    "United States",
  );
  await expect(page.getByRole("figure", { name: "Paid volume by country in EUR" })).toContainText(
    "Germany",
  );
  // Bars carry their value as text, so the chart reads without hovering.
  await expect(byMethodUsd.locator("svg text").filter({ hasText: "$25.00" })).toBeVisible();
  await expect(page.getByRole("figure", { name: "Payouts by status" })).toContainText("canceled");
  // The sandbox pays within seconds or minutes: the axis says so instead of "0 h".
  const ttr = page.getByRole("figure", {
    name: /^Time from payout created to paid, in (seconds|minutes)/,
  });
  await expect(
    ttr
      .locator("svg text")
      .filter({ hasText: /\d+ (s|min)$/ })
      .first(),
  ).toBeVisible();
  await screenshots(page, "overview");
});

test("a developer's copy: a test key's placeholder fits test mode, and a new secret comes after the words about it", async ({
  page,
  mailbox,
}) => {
  test.setTimeout(180_000);
  await foundOrganisation(page, mailbox, "Copy Co");
  await page.goto("/dashboard/developers");
  const name = page.getByLabel("Name", { exact: true });
  await expect(name).toHaveAttribute("placeholder", "Local development");
  await name.fill("laptop");
  await page.getByRole("button", { name: "Create test key" }).click();
  const message = page.getByRole("status").filter({ hasText: "Key created. Copy it now" });
  const secret = page.getByTestId("revealed-secret");
  await expect(secret).toBeVisible();
  // "Copy it now", then the key: the message points at what follows it.
  const follows = await message.evaluate(
    (m, s) => Boolean(s && m.compareDocumentPosition(s) & Node.DOCUMENT_POSITION_FOLLOWING),
    await secret.elementHandle(),
  );
  expect(follows).toBe(true);
});
