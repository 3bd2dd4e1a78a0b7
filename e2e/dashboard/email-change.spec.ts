import { campaignFromForm, foundOrganisation, inviteAndJoin } from "./flows";
import { captureServerAction, expect, freshEmail, replayServerAction, test } from "./support";

test("changing where a payout goes takes two members, and the old address is told", async ({
  page,
  browser,
  mailbox,
}) => {
  test.setTimeout(360_000);
  await foundOrganisation(page, mailbox, "Email Change Co");
  const oldEmail = freshEmail("rae");
  const newEmail = freshEmail("rae.new");
  const campaign = await campaignFromForm(page, `Email change ${Date.now()}`, oldEmail);
  await page.goto(campaign);
  await expect
    .poll(() => mailbox.count({ to: oldEmail, kind: "invite" }), { timeout: 120_000 })
    .toBe(1);
  await page.goto(`/dashboard/payouts?q=${encodeURIComponent(oldEmail)}`);
  await page.getByRole("row").filter({ hasText: oldEmail }).getByRole("link").click();
  await page.waitForURL(/\/dashboard\/payouts\/po_/);
  const payoutPath = new URL(page.url()).pathname;

  const support = await inviteAndJoin(
    page,
    browser,
    mailbox,
    freshEmail("sam", "acme.test"),
    "support",
  );
  const finance = await inviteAndJoin(
    page,
    browser,
    mailbox,
    freshEmail("fin", "acme.test"),
    "finance",
  );

  // Support asks; nothing changes yet, and support has nothing to approve with.
  await support.goto(payoutPath);
  await support.getByLabel("Change the email").fill(newEmail);
  await support.getByRole("button", { name: "Request email change" }).click();
  // The page re-renders with the request pending instead of the form.
  const pending = support.getByTestId("pending-email-change");
  await expect(pending).toContainText(`From ${oldEmail} to ${newEmail}`);
  await expect(pending).toContainText("Another finance or owner member must approve it.");
  await expect(support.getByRole("button", { name: "Approve email change" })).toHaveCount(0);
  expect(await mailbox.count({ to: newEmail, kind: "invite" })).toBe(0);

  // A finance member approves; the support member's copy of that request is refused.
  await finance.goto(payoutPath);
  finance.once("dialog", (dialog) => void dialog.accept());
  const approve = await captureServerAction(finance, () =>
    finance.getByRole("button", { name: "Approve email change" }).click(),
  );
  await expect(finance.getByTestId("pending-email-change")).toHaveCount(0);
  await expect(finance.getByText(`· ${newEmail}`).first()).toBeVisible();
  const attempt = await replayServerAction(support, approve);
  expect(attempt.text).toContain("does not allow payouts.approve_email_change");

  await expect.poll(() => mailbox.count({ to: newEmail, kind: "invite" })).toBe(1);
  await expect.poll(() => mailbox.count({ to: oldEmail, kind: "email_changed" })).toBe(1);
  const notice = await mailbox.latestText({ to: oldEmail, kind: "email_changed" });
  expect(notice).toContain("ra•••@example.com");
  expect(notice).not.toContain(newEmail);

  await page.goto(
    `/dashboard/audit?action=payout.correct_email&target=${payoutPath.split("/").pop()}`,
  );
  await expect(page.getByText(newEmail).first()).toBeVisible();
});
