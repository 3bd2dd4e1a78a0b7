import { readFileSync } from "node:fs";
import { campaignFromForm, foundOrganisation, inviteAndJoin } from "./flows";
import {
  captureServerAction,
  expect,
  freshEmail,
  personAt,
  replayServerAction,
  test,
} from "./support";

test("an owner generates a report, follows its progress and downloads it; the Tax page keeps the EIN masked; other roles and organisations are refused", async ({
  page,
  browser,
  mailbox,
}) => {
  test.setTimeout(360_000);
  await foundOrganisation(page, mailbox, "Reports Co");
  await campaignFromForm(page, `Reported ${Date.now()}`, freshEmail("rae"));

  await page.getByRole("link", { name: "Reports" }).click();
  await expect(page.getByRole("heading", { name: "Reports", level: 1 })).toBeVisible();
  await page.getByRole("combobox", { name: "Report" }).selectOption("payouts");
  await page.getByLabel("From").fill("2020-01-01");
  await page.getByLabel("To (exclusive)").fill("2100-01-01");
  const request = await captureServerAction(page, () =>
    page.getByRole("button", { name: "Generate report" }).click(),
  );
  await expect(page.getByText(/Report rpt_[0-9a-z]+ requested/)).toBeVisible();
  const reportId = /rpt_[0-9a-z]+/.exec(
    (await page.getByText(/Report rpt_[0-9a-z]+ requested/).textContent()) ?? "",
  )?.[0] as string;
  const row = page.locator(`[data-report="${reportId}"]`);
  await expect(row.getByText("ready")).toBeVisible({ timeout: 90_000 });
  const polled = await page.request.get(`/dashboard/reports/${reportId}/progress`);
  expect(await polled.json()).toEqual({ status: "ready", progress: 100 });
  const download = page.waitForEvent("download");
  await row.getByRole("link", { name: "payouts.csv" }).click();
  const csv = readFileSync(await (await download).path(), "utf8");
  expect(csv.split("\n")[0]).toMatch(/^payout_id,created_at,status,amount,currency,amount_minor/);
  expect(csv).toContain("12.00,USD,1200");
  const href = (await row.getByRole("link", { name: "payouts.csv" }).getAttribute("href")) ?? "";
  expect(href).toMatch(/\/files\/reports\/rpt_.+\?expires=\d+&signature=/);

  await page.getByRole("link", { name: "Tax" }).click();
  await page.getByLabel("Payer legal name").fill("Reports Co Inc");
  await page.getByLabel("Payer EIN").fill("12-3456789");
  await page.getByRole("button", { name: "Save tax settings" }).click();
  await expect(page.getByText("Tax settings saved.")).toBeVisible();
  await page.reload();
  await expect(page.getByText("On file: ••-•••6789.")).toBeVisible();
  const taxPage = (await page.locator("body").allInnerTexts()).join("\n");
  expect(taxPage).not.toMatch(/123456789|12-3456789/);
  await page.getByLabel("Lower 1099-NEC threshold (USD)").fill("5000.00");
  await page.getByRole("button", { name: "Save tax settings" }).click();
  await expect(page.getByText(/never raise it/)).toBeVisible();

  // An admin sees neither page, and the server refuses the owner's exact request from them.
  const admin = await inviteAndJoin(
    page,
    browser,
    mailbox,
    freshEmail("ada", "acme.test"),
    "admin",
  );
  await expect(admin.getByRole("link", { name: "Reports" })).toHaveCount(0);
  for (const path of ["/dashboard/reports", "/dashboard/tax"]) {
    await admin.goto(path);
    await expect(admin).toHaveURL(/\/dashboard\/forbidden/);
  }
  const attempt = await replayServerAction(admin, request);
  expect(attempt.text).toContain("does not allow reports.create");

  // A member of another organisation gets nothing of ours, not even the progress.
  const outsider = await personAt(browser, mailbox, freshEmail("olga", "other.test"));
  await outsider.getByLabel("Organisation name").fill("Other Org");
  await outsider.getByRole("button", { name: "Create organisation" }).click();
  await expect(outsider.getByRole("heading", { name: "Overview" })).toBeVisible();
  const organisationId = /org_[0-9a-z]{26}/.exec(request.body)?.[0] as string;
  const progress = await outsider.request.get(
    `/dashboard/reports/${reportId}/progress?organisationId=${organisationId}`,
  );
  expect(progress.status()).toBe(403);
  const ownProgress = await outsider.request.get(`/dashboard/reports/${reportId}/progress`);
  expect(ownProgress.status()).toBe(404);
  await outsider.goto("/dashboard/reports");
  await expect(outsider.locator(`[data-report="${reportId}"]`)).toHaveCount(0);
});
