import { expect, type Page, test } from "@playwright/test";
import { english } from "./claim/support";

async function screenshots(page: Page, name: string) {
  for (const [label, viewport] of [
    ["desktop", { width: 1280, height: 800 }],
    ["phone", { width: 360, height: 740 }],
  ] as const) {
    await page.setViewportSize(viewport);
    await page.waitForTimeout(500);
    await page.screenshot({ path: test.info().outputPath(`${name}-${label}.png`) });
  }
}

test("a newcomer reads on / where the demo claim's code arrives, and gets past the code with it", async ({
  page,
  context,
}) => {
  await page.goto("/");
  const hint = page.getByTestId("demo-claim-hint");
  await expect(hint).toContainText("the code shows up in the");
  const mailboxLink = hint.getByRole("link", { name: /dev mailbox/ });
  await expect(mailboxLink).toHaveAttribute("href", "/dev/mailbox");

  await page.getByRole("link", { name: "Try a demo claim link" }).click();
  await expect(page).toHaveURL(/\/c\/[A-Za-z0-9_-]{43}/);
  await page.getByRole("button", { name: english.sendCode }).click();
  await expect(page.getByLabel(english.codeLabel)).toBeVisible();

  // The hint's link, from a second tab of the same browser, as the newcomer would open it.
  const start = await context.newPage();
  await start.goto("/");
  const [mailbox] = await Promise.all([
    context.waitForEvent("page"),
    start
      .getByTestId("demo-claim-hint")
      .getByRole("link", { name: /dev mailbox/ })
      .click(),
  ]);
  await mailbox.waitForLoadState("domcontentloaded");
  await expect(mailbox).toHaveURL(/\/dev\/mailbox$/);
  await mailbox
    .getByRole("listitem")
    .filter({ hasText: "claim_code" })
    .first()
    .getByRole("link")
    .click();
  const text = await mailbox
    .getByRole("region", { name: "Plain text" })
    .locator("pre")
    .textContent();
  const code = text?.match(/\b(\d{6})\b/)?.[1];
  expect(code).toBeTruthy();

  await page.getByLabel(english.codeLabel).fill(code as string);
  await page.getByRole("button", { name: english.verify, exact: true }).click();
  await expect(page.getByLabel(english.codeLabel)).toBeHidden();
  await expect(page).not.toHaveURL(/\/verify/);
});

test("the API reference asks no other host for anything, leads back home, and documents claim links and the sandbox", async ({
  browser,
  baseURL,
}) => {
  // Without the page's CSP, so the check proves the page never tries, not that the
  // browser refused; anything bound elsewhere is recorded and dropped.
  const context = await browser.newContext({ baseURL, bypassCSP: true });
  const origin = new URL(baseURL as string).origin;
  const elsewhere: string[] = [];
  const requests: string[] = [];
  context.on("request", (request) => {
    requests.push(`${request.method()} ${request.url()}`);
    const url = new URL(request.url());
    if (url.origin !== origin && url.protocol !== "data:" && url.protocol !== "blob:") {
      elsewhere.push(request.url());
    }
  });
  await context.route(
    (url) => url.origin !== origin && url.protocol.startsWith("http"),
    (route) => route.abort(),
  );
  const page = await context.newPage();
  await page.setViewportSize({ width: 1280, height: 800 });
  await page.goto("/docs/api");

  // It starts with what it is and the way back.
  const header = page.getByRole("banner").first();
  await expect(header).toContainText("Disburse · API reference");
  await expect(header.getByRole("link", { name: "Home" })).toHaveAttribute("href", "/");
  await expect(header.getByRole("link", { name: "Dashboard" })).toHaveAttribute(
    "href",
    "/dashboard",
  );
  await expect(page.getByRole("heading", { name: "Disburse API", level: 1 })).toBeVisible({
    timeout: 30_000,
  });
  await expect(page.getByRole("heading", { name: "Claim links" })).toBeVisible();
  await expect(page.getByRole("heading", { name: "Test mode: the sandbox" })).toBeVisible();
  await expect(page.getByRole("cell", { name: /^13 \(1013 is USD 10\.13\)$/ })).toBeVisible();
  await expect(page.getByText(/apply only to methods that pay into an account/)).toBeVisible();
  await screenshots(page, "docs-api");
  await page.setViewportSize({ width: 1280, height: 800 });
  await page.getByRole("heading", { name: "Test mode: the sandbox" }).scrollIntoViewIfNeeded();
  await page.screenshot({ path: test.info().outputPath("docs-api-sandbox.png") });

  // An operation's request client sends to this server itself, through no proxy.
  await page.setViewportSize({ width: 1280, height: 800 });
  await page.getByText("Create a recipient").first().click();
  await page.getByRole("button", { name: /Test Request\s*\(post \/recipients\)/ }).click();
  await page.getByRole("button", { name: /Send post request to/ }).click();
  await expect
    .poll(() => requests.some((r) => r.startsWith("POST ") && r.endsWith("/api/v1/recipients")))
    .toBe(true);

  expect(requests.map((r) => r.replace(origin, ""))).toEqual([
    "GET /docs/api",
    "GET /docs/api/standalone.js",
    "GET /api/v1/openapi.json",
    "POST /api/v1/recipients",
  ]);
  expect(elsewhere).toEqual([]);
  await context.close();
});
