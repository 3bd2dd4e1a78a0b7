import {
  CLAIM_TEST_TIMEOUT,
  claimPathFor,
  expect,
  phone,
  recipientEmail,
  test,
  verifyByEmail,
} from "./support";

test.use(phone);
test.describe.configure({ timeout: CLAIM_TEST_TIMEOUT });

function expectClaimHeaders(headers: Record<string, string>) {
  const csp = headers["content-security-policy"] ?? "";
  expect(csp).toMatch(/script-src 'self' 'nonce-[A-Za-z0-9+/=]{16,}' 'strict-dynamic'/);
  expect(csp).toMatch(/style-src 'self' 'nonce-/);
  expect(csp).toContain("frame-ancestors 'none'");
  expect(csp).toContain("object-src 'none'");
  expect(csp).not.toContain("unsafe-inline");
  expect(headers["referrer-policy"]).toBe("same-origin");
  expect(headers["cache-control"]).toMatch(/no-store/);
  expect(headers["x-robots-tag"]).toContain("noindex");
}

test("claim pages are served with a strict CSP, no referrer to other sites and no caching, and break none of it", async ({
  page,
  api,
  mailbox,
}) => {
  const violations: string[] = [];
  page.on("console", (message) => {
    if (/Content Security Policy|Refused to/i.test(message.text())) violations.push(message.text());
  });
  const email = recipientEmail("headers");
  const payout = await api.createPayout({
    recipient: { email, name: "Header Check", country: "US" },
    amount: 1100,
    currency: "USD",
  });
  const claimPath = await claimPathFor(mailbox, payout, email);

  const landing = await page.goto(claimPath);
  expectClaimHeaders(landing?.headers() ?? {});
  const unknown = await page.request.get(`/c/${"C".repeat(43)}`);
  expect(unknown.status()).toBe(404);
  expectClaimHeaders(unknown.headers());

  await verifyByEmail(page, mailbox, email);
  await expect(page.getByRole("heading", { name: "How would you like to be paid?" })).toBeVisible();
  const methods = await page.reload();
  expectClaimHeaders(methods?.headers() ?? {});

  // The verified session: httpOnly, SameSite=Strict, scoped to this one link.
  const session = (await page.context().cookies()).find((c) => c.name === "claim_session");
  expect(session).toMatchObject({ httpOnly: true, sameSite: "Strict", path: claimPath });

  await page.getByRole("link", { name: /^PayPal/ }).click();
  await expect(page.getByRole("button", { name: "Continue" })).toBeEnabled();
  expect(violations).toEqual([]);
});

test.describe("before the page's JavaScript runs", () => {
  test.use({ javaScriptEnabled: false });

  // A form posted before hydration (a slow phone) or without JavaScript is a plain POST
  // navigation; with `Referrer-Policy: no-referrer` its Origin was "null" and Next refused
  // the Server Action, so the recipient saw "Internal Server Error".
  test("a recipient can still ask for a code and verify", async ({ page, api, mailbox }) => {
    const email = recipientEmail("nojs");
    const payout = await api.createPayout({
      recipient: { email, name: "No Script", country: "US" },
      amount: 1200,
      currency: "USD",
    });
    await page.goto(await claimPathFor(mailbox, payout, email));
    await verifyByEmail(page, mailbox, email);
    await expect(
      page.getByRole("heading", { name: "How would you like to be paid?" }),
    ).toBeVisible();
  });
});
