import { campaignFromForm, foundOrganisation } from "./flows";
import {
  captureServerAction,
  expect,
  freshEmail,
  personAt,
  replayServerAction,
  test,
} from "./support";

test("a member of another organisation is refused every id of ours, on pages, routes and server actions", async ({
  page,
  browser,
  mailbox,
}) => {
  test.setTimeout(360_000);
  await foundOrganisation(page, mailbox, "Ours Co");
  const recipient = freshEmail("rae");
  const campaign = await campaignFromForm(page, `Isolated ${Date.now()}`, recipient);
  await expect(page.getByRole("progressbar", { name: "Campaign fan-out" })).toHaveAttribute(
    "aria-valuenow",
    "100",
    {
      timeout: 90_000,
    },
  );

  await page.goto("/dashboard/payouts?status=claimable");
  await page.getByRole("row").nth(1).getByRole("link").click();
  await page.waitForURL(/\/dashboard\/payouts\/po_/);
  const payoutPath = new URL(page.url()).pathname;
  const payoutId = payoutPath.split("/").pop() as string;
  const resend = await captureServerAction(page, () =>
    page.getByRole("button", { name: "Resend the link" }).click(),
  );
  await expect(page.getByText(/Sent the link again/)).toBeVisible();
  // The form carries the organisation it was rendered for.
  const organisationId = /org_[0-9a-z]{26}/.exec(resend.body)?.[0] as string;
  expect(organisationId).toMatch(/^org_/);

  await page.goto("/dashboard/developers/webhooks");
  await page.getByLabel("URL", { exact: true }).fill("https://hooks.example.com/ours");
  await page.getByRole("button", { name: "Add endpoint" }).click();
  await page.getByRole("link", { name: "https://hooks.example.com/ours" }).first().click();
  await page.waitForURL(/\/webhooks\/we_/);
  const endpointPath = new URL(page.url()).pathname;

  await page.goto(`/dashboard/audit?target=${payoutId}`);
  const resendsBefore = await page.getByRole("cell", { name: "payout.resend_link" }).count();
  expect(resendsBefore).toBeGreaterThan(0);

  // Someone else signs up and creates their own organisation.
  const outsider = await personAt(browser, mailbox, freshEmail("olga", "other.test"));
  await expect(outsider).toHaveURL(/\/dashboard\/welcome/);
  await outsider.getByLabel("Organisation name").fill("Other Org");
  await outsider.getByRole("button", { name: "Create organisation" }).click();
  await expect(outsider.getByRole("heading", { name: "Overview" })).toBeVisible();
  await outsider.goto("/dashboard/team");
  const theirs = await outsider.locator('input[name="organisationId"]').first().inputValue();
  expect(theirs).not.toBe(organisationId);

  for (const path of [payoutPath, campaign, endpointPath]) {
    const response = await outsider.goto(path);
    expect(response?.status(), path).toBe(404);
  }
  await outsider.goto(`/dashboard/payouts?q=${encodeURIComponent(recipient)}`);
  await expect(outsider.getByText("No payouts match.")).toBeVisible();

  const progress = await outsider.request.get(`${campaign}/progress`);
  expect(progress.status()).toBe(404);
  const progressOfOurs = await outsider.request.get(
    `${campaign}/progress?organisationId=${organisationId}`,
  );
  expect(progressOfOurs.status()).toBe(403);
  const preview = await outsider.request.post(
    `/dashboard/campaigns/preview?organisationId=${organisationId}`,
    {
      // From our own page, so the membership check is what refuses it.
      headers: { origin: new URL(outsider.url()).origin },
      multipart: {
        currency: "USD",
        file: {
          name: "x.csv",
          mimeType: "text/csv",
          buffer: Buffer.from("email,country,amount\na@example.com,US,1\n"),
        },
      },
    },
  );
  expect(preview.status()).toBe(403);

  // Our server action, sent as the outsider: naming our organisation is refused, and
  // naming theirs finds no such payout.
  const asOurs = await replayServerAction(outsider, resend);
  expect(asOurs.text).toContain("You are not a member of this organisation.");
  const asTheirs = await replayServerAction(outsider, resend, [[organisationId, theirs]]);
  expect(asTheirs.text).toContain(`No such payout: ${payoutId}`);

  await page.goto(`/dashboard/audit?target=${payoutId}`);
  await expect(page.getByRole("cell", { name: "payout.resend_link" })).toHaveCount(resendsBefore);
  await page.goto(payoutPath);
  await expect(page.getByText("claimable").first()).toBeVisible();
});
