import { foundOrganisation } from "./flows";
import { expect, freshEmail, Mailbox, personAt, test } from "./support";

test("the dev mailbox shows a browser only the sign-in link it asked for, and a member only their organisation's mail", async ({
  page,
  browser,
  mailbox,
}) => {
  test.setTimeout(240_000);
  await foundOrganisation(page, mailbox, "Mail Co");
  const invitee = freshEmail("ivy", "acme.test");
  await page.goto("/dashboard/team");
  await page.getByLabel("Email", { exact: true }).fill(invitee);
  await page.getByRole("combobox", { name: "Role", exact: true }).selectOption("support");
  await page.getByRole("button", { name: "Send invitation" }).click();
  await expect(page.getByText(`Invitation sent to ${invitee}.`)).toBeVisible();
  await page.goto(`/dev/mailbox?to=${encodeURIComponent(invitee)}`);
  const invitation = page.getByRole("listitem").filter({ hasText: "· invitation" });
  await expect(invitation).toHaveCount(1);
  const invitationPath = (await invitation.getByRole("link").getAttribute("href")) as string;
  expect((await page.goto(invitationPath))?.status()).toBe(200);
  await expect(page.getByRole("region", { name: "Plain text" })).toContainText(
    "/dashboard/invitations/",
  );

  // A browser that is signed in nowhere sees nothing, and not the invitation by its id.
  const stranger = await (await browser.newContext()).newPage();
  await stranger.goto(`/dev/mailbox?to=${encodeURIComponent(invitee)}`);
  await expect(stranger.getByText("Not signed in")).toBeVisible();
  await expect(stranger.getByRole("listitem")).toHaveCount(0);
  expect((await stranger.goto(invitationPath))?.status()).toBe(404);

  // It asks for a sign-in link for someone else's address: it sees that mail only,
  // and another browser does not.
  await stranger.goto("/login");
  await stranger.getByLabel("Work email").fill(invitee);
  await stranger.getByRole("button", { name: "Email me a sign-in link" }).click();
  await expect(stranger.getByRole("heading", { name: "Check your email" })).toBeVisible();
  await stranger.goto(`/dev/mailbox?to=${encodeURIComponent(invitee)}`);
  await expect(stranger.getByRole("listitem")).toHaveCount(1);
  await expect(stranger.getByRole("listitem")).toContainText("· sign_in");
  const signInPath = (await stranger
    .getByRole("listitem")
    .getByRole("link")
    .getAttribute("href")) as string;
  const other = await (await browser.newContext()).newPage();
  expect((await other.goto(signInPath))?.status()).toBe(404);

  // A member of another organisation sees neither our invitation nor that sign-in link.
  const outsider = await personAt(browser, new Mailbox(), freshEmail("olga", "other.test"));
  await outsider.goto(`/dev/mailbox?to=${encodeURIComponent(invitee)}`);
  await expect(outsider.getByRole("listitem")).toHaveCount(0);
  expect((await outsider.goto(invitationPath))?.status()).toBe(404);
  expect((await outsider.goto(signInPath))?.status()).toBe(404);
});
