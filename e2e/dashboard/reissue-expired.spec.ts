import { campaignFromForm, foundOrganisation } from "./flows";
import { expect, freshEmail, test } from "./support";

test("an integrator expires a payout with a test helper, and a member reissues it from the dashboard", async ({
  page,
  mailbox,
}) => {
  test.setTimeout(300_000);
  await foundOrganisation(page, mailbox, "Reissue Co");
  const recipient = freshEmail("rae");
  await campaignFromForm(page, `Reissue ${Date.now()}`, recipient);
  await expect
    .poll(() => mailbox.count({ to: recipient, kind: "invite" }), { timeout: 120_000 })
    .toBe(1);

  await page.goto("/dashboard/developers");
  await page.getByLabel("Name", { exact: true }).fill("scripts");
  await page.getByRole("button", { name: "Create test key" }).click();
  const secret = (await page.getByTestId("revealed-secret").textContent())?.trim() ?? "";
  const api = { authorization: `Bearer ${secret}` };

  const list = await page.request.get("/api/v1/payouts?limit=1", { headers: api });
  const [payout] = (await list.json()).data as { id: string; status: string }[];
  expect(payout?.status).toBe("claimable");
  const id = payout?.id ?? "";
  const before = await (await page.request.get(`/api/v1/payouts/${id}`, { headers: api })).json();
  expect(before.claim_url).toMatch(/\/c\/[\w-]{43}$/);

  const expired = await page.request.post(`/api/v1/test_helpers/payouts/${id}/expire`, {
    headers: api,
  });
  expect(expired.status()).toBe(200);
  expect((await expired.json()).status).toBe("expired");

  await page.goto(`/dashboard/payouts/${id}`);
  await expect(
    page.getByText("The link expired and the funds went back to your balance."),
  ).toBeVisible();
  page.once("dialog", (dialog) => void dialog.accept());
  await page.getByRole("button", { name: "Reissue", exact: true }).click();
  // The page re-renders as a claimable payout's: its link can be resent again.
  await expect(page.getByRole("button", { name: "Resend the link" })).toBeVisible();
  await expect(page.getByText("claimable", { exact: true }).first()).toBeVisible();

  const after = await (await page.request.get(`/api/v1/payouts/${id}`, { headers: api })).json();
  expect(after.status).toBe("claimable");
  expect(after.claim_url).not.toBe(before.claim_url);
  await expect.poll(() => mailbox.count({ to: recipient, kind: "invite" })).toBe(2);
  expect(await mailbox.latestText({ to: recipient, kind: "invite" })).toContain(after.claim_url);
});
