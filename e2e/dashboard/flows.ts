import { type Browser, expect, type Page } from "@playwright/test";
import { freshEmail, type Mailbox, personAt, signIn } from "./support";

/**
 * A new organisation of its own, founded by a fresh owner and funded with test money, so
 * a test can change settings (approval thresholds) without touching anyone else's.
 */
export async function foundOrganisation(page: Page, mailbox: Mailbox, name: string) {
  const owner = freshEmail("owner", "acme.test");
  await signIn(page, mailbox, owner);
  await expect(page).toHaveURL(/\/dashboard\/welcome/);
  await page.getByLabel("Organisation name").fill(name);
  await page.getByRole("button", { name: "Create organisation" }).click();
  await expect(page.getByRole("heading", { name: "Overview" })).toBeVisible();
  await page.goto("/dashboard/funding");
  await page.getByRole("combobox", { name: "Currency", exact: true }).first().selectOption("USD");
  await page.getByLabel("Amount", { exact: true }).fill("10000");
  await page.getByRole("button", { name: "Add test funds" }).click();
  await expect(page.getByText("Added $10,000.00 of test money.")).toBeVisible();
  return { owner };
}

/** The owner invites `email` with `role`; the new member accepts and lands on the dashboard. */
export async function inviteAndJoin(
  owner: Page,
  browser: Browser,
  mailbox: Mailbox,
  email: string,
  role: string,
): Promise<Page> {
  await owner.goto("/dashboard/team");
  await owner.getByLabel("Email", { exact: true }).fill(email);
  await owner.getByRole("combobox", { name: "Role", exact: true }).selectOption(role);
  await owner.getByRole("button", { name: "Send invitation" }).click();
  await expect(owner.getByText(`Invitation sent to ${email}.`)).toBeVisible();
  const path = new URL(
    await mailbox.link({ to: email, kind: "invitation" }, /\/dashboard\/invitations\//),
  ).pathname;
  const member = await personAt(browser, mailbox, email, path);
  await member.getByRole("button", { name: "Accept and open the dashboard" }).click();
  await expect(member.getByRole("heading", { name: "Overview" })).toBeVisible();
  return member;
}

/** A one-payout campaign typed into the form; returns the campaign page's path. */
export async function campaignFromForm(
  owner: Page,
  name: string,
  recipientEmail: string,
): Promise<string> {
  await owner.goto("/dashboard/campaigns/new");
  await owner.getByLabel("Name", { exact: true }).fill(name);
  await owner.getByRole("tab", { name: "Type them in" }).click();
  await owner.getByLabel("email of recipient 1").fill(recipientEmail);
  await owner.getByLabel("name of recipient 1").fill("Rae Recipient");
  await owner.getByLabel("country of recipient 1").fill("US");
  await owner.getByLabel("amount of recipient 1").fill("12.00");
  await owner.getByRole("button", { name: "Check recipients" }).click();
  await expect(owner.getByTestId("invalid-count")).toHaveText("0");
  await owner.getByRole("button", { name: /Create campaign · 1 payouts/ }).click();
  await owner.waitForURL(/\/dashboard\/campaigns\/bat_/);
  return new URL(owner.url()).pathname;
}

/** Requires approval for every USD campaign, then creates one from the form. */
export async function campaignAwaitingApproval(
  owner: Page,
  name: string,
  recipientEmail: string,
): Promise<string> {
  await owner.goto("/dashboard/settings");
  await owner.getByRole("combobox", { name: "Currency", exact: true }).selectOption("USD");
  await owner.getByLabel("Threshold", { exact: true }).fill("0");
  await owner.getByRole("button", { name: "Save threshold" }).click();
  await expect(owner.getByText("Approval threshold saved.")).toBeVisible();
  const path = await campaignFromForm(owner, name, recipientEmail);
  await expect(owner.getByRole("heading", { name: "Approval needed" })).toBeVisible();
  return path;
}
