import { foundOrganisation } from "./flows";
import { expect, test } from "./support";

test("a key created in the dashboard works at once, and stops working the moment it is revoked", async ({
  page,
  mailbox,
}) => {
  test.setTimeout(180_000);
  await foundOrganisation(page, mailbox, "Keys Co");
  await page.goto("/dashboard/developers");
  await page.getByLabel("Name", { exact: true }).fill("backend");
  await page.getByRole("button", { name: "Create test key" }).click();
  const secret = (await page.getByTestId("revealed-secret").textContent())?.trim() ?? "";
  expect(secret).toMatch(/^sk_test_[0-9A-Za-z]{40}$/);

  // The server remembers a key it has authenticated; a revocation must still win at once.
  const balances = () =>
    page.request.get("/api/v1/balances", { headers: { authorization: `Bearer ${secret}` } });
  for (let i = 0; i < 3; i++) expect((await balances()).status()).toBe(200);

  await page.reload();
  page.once("dialog", (dialog) => void dialog.accept());
  await page.getByRole("button", { name: "Revoke" }).click();
  await expect(page.getByText("revoked", { exact: true })).toBeVisible();

  const refused = await balances();
  expect(refused.status()).toBe(401);
  expect(refused.headers()["content-type"]).toContain("application/problem+json");
  expect((await refused.json()).detail).toBe("The API key has been revoked.");
});
