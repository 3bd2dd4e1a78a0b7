import { campaignAwaitingApproval, foundOrganisation, inviteAndJoin } from "./flows";
import { captureServerAction, expect, freshEmail, replayServerAction, test } from "./support";

test("a support member cannot create API keys or approve campaigns, even by calling the server directly", async ({
  page,
  browser,
  mailbox,
}) => {
  test.setTimeout(360_000);
  await foundOrganisation(page, mailbox, "Roles Co");
  const campaign = await campaignAwaitingApproval(page, `Held ${Date.now()}`, freshEmail("rae"));

  // The owner's own approval is refused by the server (maker–checker); the request is
  // kept to be sent again as the support member.
  const approve = await captureServerAction(page, () =>
    page.getByRole("button", { name: "Approve campaign" }).click(),
  );
  await expect(
    page.getByText("The member who created a campaign cannot approve it."),
  ).toBeVisible();

  await page.goto("/dashboard/developers");
  const marker = `support-${Date.now()}`;
  await page.getByLabel("Name", { exact: true }).fill("owner key");
  const createKey = await captureServerAction(page, () =>
    page.getByRole("button", { name: "Create test key" }).click(),
  );
  await expect(page.getByTestId("revealed-secret")).toBeVisible();

  const support = await inviteAndJoin(
    page,
    browser,
    mailbox,
    freshEmail("sam", "acme.test"),
    "support",
  );

  // The pages are closed to the role…
  await expect(support.getByRole("link", { name: "Developers" })).toHaveCount(0);
  await support.goto("/dashboard/developers");
  await expect(support).toHaveURL(/\/dashboard\/forbidden/);
  await support.goto(campaign);
  await expect(support.getByRole("button", { name: "Approve campaign" })).toHaveCount(0);

  // …and so is the server, when sent the exact requests an owner's browser sends.
  const keyAttempt = await replayServerAction(support, createKey, [["owner key", marker]]);
  expect(keyAttempt.text).toContain("does not allow api_keys.manage");
  expect(keyAttempt.text).not.toMatch(/sk_test_[0-9A-Za-z]{40}/);
  const approveAttempt = await replayServerAction(support, approve);
  expect(approveAttempt.text).toContain("does not allow campaigns.approve");

  await page.goto("/dashboard/developers");
  await expect(page.getByRole("cell", { name: "owner key" }).first()).toBeVisible();
  await expect(page.getByRole("cell", { name: marker })).toHaveCount(0);
  await page.goto(campaign);
  await expect(page.getByRole("heading", { name: "Approval needed" })).toBeVisible();
  await page.goto(`/dashboard/audit?action=campaign.approve&target=${campaign.split("/").pop()}`);
  await expect(page.getByText("No entries match.")).toBeVisible();
});
