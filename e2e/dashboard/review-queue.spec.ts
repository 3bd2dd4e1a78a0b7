import { foundOrganisation } from "./flows";
import { expect, freshEmail, test } from "./support";

test("a held payout is approved to claimable, another rejected: canceled, funds released, the recipient told", async ({
  page,
  mailbox,
}) => {
  test.setTimeout(360_000);
  await foundOrganisation(page, mailbox, "Review Co");

  // Two payees whose name resembles an entry of the (fictional) fixture list, one who does not.
  const approved = freshEmail("ivan.one");
  const rejected = freshEmail("ivan.two");
  const clear = freshEmail("maya");
  const tag = Date.now().toString(36);
  const csv = [
    "email,name,country,amount,external_id",
    `${approved},Ivan Ostrov,DE,20.00,${tag}-1`,
    `${rejected},Ivan Ostrov,DE,30.00,${tag}-2`,
    `${clear},Maya Chen,US,10.00,${tag}-3`,
  ].join("\n");
  await page.goto("/dashboard/campaigns/new");
  await page.getByLabel("Name", { exact: true }).fill(`Held ${tag}`);
  await page.getByLabel(/CSV file/).setInputFiles({
    name: "held.csv",
    mimeType: "text/csv",
    buffer: Buffer.from(csv),
  });
  await page.getByRole("button", { name: "Check recipients" }).click();
  await expect(page.getByTestId("invalid-count")).toHaveText("0");
  await page.getByRole("button", { name: /Create campaign · 3 payouts/ }).click();
  await page.waitForURL(/\/dashboard\/campaigns\/bat_/);

  // The fan-out screens in the background; both look-alikes land in the queue with why.
  const items = page.getByTestId("review-item");
  await expect
    .poll(
      async () => {
        await page.goto("/dashboard/payouts/review");
        return items.count();
      },
      { timeout: 120_000, intervals: [1000, 2000] },
    )
    .toBe(2);
  await expect(items.first()).toContainText("sanctions_list_match");
  await expect(items.first()).toContainText("OSTROV, Ivan Petrovich");
  await expect(items.first()).toContainText("fictional fixture list");
  await expect(items.first()).toContainText("ostrov ↔ ostrov (same word");

  await page.goto("/dashboard/funding");
  const available = page.getByRole("row", { name: /USD/ }).first();
  await expect(available).toContainText("$9,940.00");

  await page.goto("/dashboard/payouts/review");
  const first = items.filter({ hasText: approved });
  await first.getByRole("textbox", { name: /Approval note/ }).fill("Different person, checked ID");
  await first.getByRole("button", { name: "Approve" }).click();
  // Decided payouts leave the queue (and their forms with them).
  await expect(items).toHaveCount(1);
  await mailbox.link({ to: approved, kind: "invite" }, /\/c\//);

  page.once("dialog", (dialog) => dialog.accept());
  const second = items.filter({ hasText: rejected });
  await second.getByRole("textbox", { name: /Rejection note/ }).fill("Confirmed match");
  await second.getByRole("button", { name: "Reject" }).click();
  await expect(items).toHaveCount(0);
  const notice = await mailbox.latestText({ to: rejected, kind: "payout_stopped" });
  expect(notice).toContain("cannot complete your payment of $30.00");
  expect(notice).not.toMatch(/sanction|list|1001|fixture/i);

  await page.goto("/dashboard/funding");
  await expect(page.getByRole("row", { name: /USD/ }).first()).toContainText("$9,970.00");

  await page.goto("/dashboard/payouts?status=claimable");
  await expect(page.getByText(approved)).toBeVisible();
  await page.goto("/dashboard/payouts?status=canceled");
  await expect(page.getByText(rejected)).toBeVisible();
});

test("switching to live mode is refused with the reason until the business verification is approved", async ({
  page,
  mailbox,
}) => {
  await foundOrganisation(page, mailbox, "Not Yet Live Co");
  await page.getByRole("button", { name: "Live mode" }).click();
  await page.waitForURL(/\/dashboard\/verification\?live=refused/);
  await expect(page.getByRole("alert").filter({ hasText: "Live mode" })).toContainText(
    "Live mode is not open yet: Not submitted yet.",
  );
  await expect(page.getByRole("button", { name: "Test mode" })).toHaveAttribute(
    "aria-pressed",
    "true",
  );
});
