import {
  CLAIM_TEST_TIMEOUT,
  claimPathFor,
  codeFor,
  expect,
  phone,
  recipientEmail,
  test,
  verifyByEmail,
} from "./support";

test.use(phone);
test.describe.configure({ timeout: CLAIM_TEST_TIMEOUT });

test("five wrong codes lock the link, for good and with a clear message", async ({
  page,
  api,
  mailbox,
}) => {
  const email = recipientEmail("lock");
  const payout = await api.createPayout({
    recipient: { email, name: "Lee Park", country: "US" },
    amount: 1200,
    currency: "USD",
  });
  await page.goto(await claimPathFor(mailbox, payout, email));
  const asked = new Date(Date.now() - 1000);
  await page.getByRole("button", { name: "Email me a code" }).click();
  const real = await codeFor(mailbox, email, asked);
  const wrong = real === "000000" ? "111111" : "000000";

  for (const left of [4, 3, 2, 1]) {
    await page.getByLabel("6-digit code").fill(wrong);
    await page.getByRole("button", { name: "Verify", exact: true }).click();
    await expect(page.getByRole("main").getByRole("alert")).toContainText(
      `That code didn't work. Check it and try again: ${left} ${left === 1 ? "attempt" : "attempts"} left.`,
    );
    await expect(page.getByLabel("6-digit code")).toHaveAttribute("aria-invalid", "true");
  }
  await page.getByLabel("6-digit code").fill(wrong);
  await page.getByRole("button", { name: "Verify", exact: true }).click();
  await expect(page.getByRole("heading", { name: "This link is locked" })).toBeVisible();
  await expect(page.getByText("Ask Acme Creators to send you a new link.")).toBeVisible();

  // Even the right code, or a reload, does not reopen it.
  await page.reload();
  await expect(page.getByRole("heading", { name: "This link is locked" })).toBeVisible();
  await expect(page.getByRole("button", { name: "Email me a code" })).toHaveCount(0);
  expect(real).toMatch(/^\d{6}$/);
});

// Issue 19 reverses what this test used to say ("an expired link looks exactly like an
// unknown one"): an expired link is a dead end no more. A token is 32 random bytes, so
// whoever holds an expired one was sent it; an unknown token still names nobody.
test("an expired link names its payer and the way forward, an unknown one nobody", async ({
  page,
  api,
  sql,
  mailbox,
}) => {
  const email = recipientEmail("late");
  const payout = await api.createPayout({
    recipient: { email, name: "Sam Late", country: "US" },
    amount: 900,
    currency: "USD",
  });
  const claimPath = await claimPathFor(mailbox, payout, email);
  await sql`update claim_links set expires_at = now() - interval '1 minute' where payout_id = ${payout.id}`;

  const expired = await page.goto(claimPath);
  expect(expired?.status()).toBe(410);
  await expect(page.getByRole("heading", { name: "This link has expired" })).toBeVisible();
  await expect(page.getByText("Acme Creators").first()).toBeVisible();
  await expect(page.getByRole("button", { name: "Ask for a new link" })).toBeVisible();

  const unknown = await page.goto(`/c/${"A".repeat(43)}`);
  expect(unknown?.status()).toBe(404);
  await expect(page.getByRole("heading", { name: "This link is not valid" })).toBeVisible();
  await expect(page.getByText("Acme Creators")).toHaveCount(0);
});

test("a recipient in a sanctioned country is told no method can pay them, and why", async ({
  page,
  api,
  mailbox,
}) => {
  const email = recipientEmail("moved");
  const payout = await api.createPayout({
    recipient: { email, name: "Dana Moved", country: "US" },
    amount: 3000,
    currency: "USD",
  });
  const claimPath = await claimPathFor(mailbox, payout, email);
  // The platform corrects the recipient's country after the link went out.
  await api.patch(`/recipients/${payout.recipient_id}`, { country: "IR" });

  await page.goto(claimPath);
  await verifyByEmail(page, mailbox, email);
  await expect(page.getByRole("heading", { name: "We can't send this payment" })).toBeVisible();
  await expect(
    page.getByText("Payouts to Iran are not possible because of international sanctions."),
  ).toBeVisible();
  await expect(page.getByRole("link", { name: /PayPal|Bank transfer|Gift card/ })).toHaveCount(0);

  const methods = await api.get<{ sanctioned: boolean; data: unknown[] }>(
    "/methods?country=IR&currency=USD&amount=3000",
  );
  expect(methods).toMatchObject({ sanctioned: true, data: [] });
});

test("a failed sandbox payout leads back to choosing another method, which pays", async ({
  page,
  api,
  mailbox,
}) => {
  const email = recipientEmail("retry");
  // Amounts ending in 13 make the sandbox report the account as closed (docs/payout-methods.md).
  const payout = await api.createPayout({
    recipient: { email, name: "Rui Costa", country: "US" },
    amount: 1013,
    currency: "USD",
  });
  await page.goto(await claimPathFor(mailbox, payout, email));
  await verifyByEmail(page, mailbox, email);
  await page.getByRole("link", { name: /^PayPal/ }).click();
  await page.getByRole("button", { name: "Continue" }).click();
  await page.getByRole("button", { name: "Confirm and get paid" }).click();

  await expect(page.getByRole("main").getByRole("alert")).toContainText(
    "We couldn't pay you by PayPal.",
    {
      timeout: 45_000,
    },
  );
  await page.getByRole("link", { name: "Choose another way to get paid" }).click();
  await expect(page.getByRole("main").getByRole("alert")).toContainText(
    "We couldn't pay you by PayPal",
  );
  await page.getByRole("link", { name: /^Gift card/ }).click();
  await page.getByLabel("Amazon.com").check();
  await page.getByRole("button", { name: "Continue" }).click();
  await page.getByRole("button", { name: "Confirm and get paid" }).click();
  await expect(page.getByRole("main").getByRole("status")).toContainText(
    "Paid! We sent $10.13 via Gift card.",
    {
      timeout: 45_000,
    },
  );
});

test("a canceled payout's link says it was canceled", async ({ page, api, mailbox }) => {
  const email = recipientEmail("cancel");
  const payout = await api.createPayout({
    recipient: { email, name: "Noor Ali", country: "US" },
    amount: 700,
    currency: "USD",
  });
  const claimPath = await claimPathFor(mailbox, payout, email);
  await api.post(`/payouts/${payout.id}/cancel`, {});
  await page.goto(claimPath);
  await expect(page.getByRole("heading", { name: "This payment was canceled" })).toBeVisible();
  await expect(
    page.getByText("Acme Creators canceled this payment, so it can't be claimed."),
  ).toBeVisible();
});

test("someone else opening an already-claimed link cannot claim it again", async ({
  page,
  browser,
  api,
  mailbox,
}) => {
  const email = recipientEmail("twice");
  const payout = await api.createPayout({
    recipient: { email, name: "Ivy Chen", country: "US" },
    amount: 800,
    currency: "USD",
  });
  const claimPath = await claimPathFor(mailbox, payout, email);
  await page.goto(claimPath);
  await verifyByEmail(page, mailbox, email);
  await page.getByRole("link", { name: /^PayPal/ }).click();
  await page.getByRole("button", { name: "Continue" }).click();
  await page.getByRole("button", { name: "Confirm and get paid" }).click();
  await expect(page.getByRole("main").getByRole("status")).toContainText("Paid!", {
    timeout: 45_000,
  });

  const stranger = await browser.newPage({ ...phone });
  await stranger.goto(claimPath);
  await expect(
    stranger.getByRole("heading", { name: "This payment has already been claimed" }),
  ).toBeVisible();
  await stranger.goto(`${claimPath}/methods`);
  await expect(stranger).toHaveURL(new RegExp(`${claimPath}$`));
  await stranger.close();
});
