import { foundOrganisation } from "./flows";
import { expect, freshEmail, test } from "./support";

test("an invitation with a forged role is refused on the Role field, announced to assistive technology, and sends nothing", async ({
  page,
  mailbox,
}) => {
  test.setTimeout(120_000);
  await foundOrganisation(page, mailbox, "Select Co");
  const invitee = freshEmail("rae", "acme.test");
  await page.goto("/dashboard/team");
  await page.getByLabel("Email", { exact: true }).fill(invitee);
  const role = page.getByRole("combobox", { name: "Role", exact: true });
  // What a tampered page or a hand-made request would send: a role the select never offers.
  await role.evaluate((select: HTMLSelectElement) => {
    const chosen = select.options[select.selectedIndex];
    if (chosen) chosen.value = "superuser";
  });
  await page.getByRole("button", { name: "Send invitation" }).click();

  await expect(role).toHaveAttribute("aria-invalid", "true");
  await expect(role).toHaveAccessibleDescription(/one of owner/);
  await expect(page.getByText(`Invitation sent to ${invitee}.`)).toHaveCount(0);
  expect(await mailbox.count({ to: invitee, kind: "invitation" })).toBe(0);

  // A role it offers goes through, and the field is no longer marked.
  await page.reload();
  await page.getByLabel("Email", { exact: true }).fill(invitee);
  await role.selectOption("support");
  await page.getByRole("button", { name: "Send invitation" }).click();
  await expect(page.getByText(`Invitation sent to ${invitee}.`)).toBeVisible();
  await expect(role).not.toHaveAttribute("aria-invalid", "true");
  expect(await mailbox.count({ to: invitee, kind: "invitation" })).toBe(1);
});
