import { readFileSync } from "node:fs";
import AxeBuilder from "@axe-core/playwright";
import type { Page } from "@playwright/test";
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

/** WCAG 2.2 A/AA, as e2e/claim/claim-a11y.spec.ts checks every other step. */
async function expectAccessible(page: Page, step: string) {
  const results = await new AxeBuilder({ page })
    .withTags(["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22aa", "best-practice"])
    .analyze();
  const blocking = results.violations
    .filter((v) => v.impact === "serious" || v.impact === "critical")
    .map((v) => `${v.id}: ${v.nodes.map((n) => n.target.join(" ")).join(", ")}`);
  expect(blocking, `${step} has serious or critical violations`).toEqual([]);
}

/** Chooses PayPal and confirms, as a recipient does once the tax step is behind them. */
async function choosePaypal(
  page: Page,
  labels = { continue: "Continue", confirm: "Confirm and get paid" },
) {
  await page.getByRole("link", { name: /^PayPal/ }).click();
  await page.getByRole("button", { name: labels.continue }).click();
  await page.getByRole("button", { name: labels.confirm }).click();
}

test("a US payee reaching the 1099-NEC threshold fills a W-9 before choosing, once; the next payout skips it", async ({
  page,
  api,
  mailbox,
}) => {
  const email = recipientEmail("maya");
  const first = await api.createPayout({
    recipient: { name: "Maya Chen", country: "US", email },
    amount: 250_000,
    currency: "USD",
    description: "Annual retainer",
  });
  await page.goto(await claimPathFor(mailbox, first, email));
  await verifyByEmail(page, mailbox, email);

  await expect(page.getByRole("heading", { level: 1, name: "Your tax details" })).toBeVisible();
  await expect(page).toHaveURL(/\/tax$/);
  await expect(page.getByText("Form W-9 (Rev. March 2024)")).toBeVisible();
  const held = await api.get<{ status: string }>(`/payouts/${first.id}`);
  expect(held.status).toBe("awaiting_tax_info");

  await expectAccessible(page, "the W-9 step");
  await expect(page.getByLabel("Full legal name", { exact: true })).toHaveValue("Maya Chen");
  await page.getByLabel("Social Security number (or ITIN)").check();
  await page.getByLabel("Taxpayer identification number", { exact: true }).fill("666-12-3456");
  await page.getByLabel("Street address").fill("500 Market St");
  await page.getByLabel("City", { exact: true }).fill("San Francisco");
  await page.getByLabel("State", { exact: true }).selectOption("CA");
  await page.getByLabel("ZIP or postal code").fill("94105");
  await page.getByLabel("I certify the statements above are true").check();
  await page.getByLabel("Type your full legal name to sign").fill("Maya Chen");
  await page.getByRole("button", { name: "Sign and continue" }).click();
  await expect(page.getByText("This SSN or ITIN isn't valid.")).toBeVisible();
  await expect(page.getByLabel("Taxpayer identification number", { exact: true })).toHaveAttribute(
    "aria-invalid",
    "true",
  );
  await expectAccessible(page, "the W-9 step with an error");

  await page.getByLabel("Taxpayer identification number", { exact: true }).fill("123-45-6789");
  await page.getByRole("button", { name: "Sign and continue" }).click();
  await expect(page.getByRole("heading", { name: "How would you like to be paid?" })).toBeVisible();
  await choosePaypal(page);
  await expect(page.getByRole("main").getByRole("status")).toContainText("Paid!", {
    timeout: 45_000,
  });

  // The statement of this year's payouts from Acme, for the verified recipient.
  const download = page.waitForEvent("download");
  await page.getByRole("link", { name: /Download your payments from Acme Creators/ }).click();
  const statement = await download;
  const text = readFileSync(await statement.path(), "utf8");
  expect(text).toContain(`${first.id},`);
  expect(text).toContain("2500.00,USD,paypal");

  // The form is on file: the same payee's next payout from Acme goes straight to choosing.
  const second = await api.post<{ id: string }>("/payouts", {
    recipient_id: first.recipient_id,
    amount: 10_000,
    currency: "USD",
  });
  await page.goto(await claimPathFor(mailbox, second, email));
  await verifyByEmail(page, mailbox, email);
  await expect(page.getByRole("heading", { name: "How would you like to be paid?" })).toBeVisible();
});

test("an EU seller certifies a W-8BEN in German", async ({ browser, api, mailbox }) => {
  const context = await browser.newContext({ ...phone, locale: "de-DE" });
  const page = await context.newPage();
  const email = recipientEmail("jonas");
  const payout = await api.createPayout({
    recipient: { name: "Jonas Weber", country: "DE", email },
    amount: 250_000,
    currency: "EUR",
  });
  await page.goto(await claimPathFor(mailbox, payout, email));
  await verifyByEmail(page, mailbox, email, {
    sendCode: "Code per E-Mail senden",
    codeLabel: "6-stelliger Code",
    verify: "Bestätigen",
  });

  await expect(page.getByRole("heading", { level: 1, name: "Ihre Steuerangaben" })).toBeVisible();
  await expect(page.getByText("Formular W-8BEN (Rev. October 2021)")).toBeVisible();
  await expect(page.getByText(/keine US-Person sind/)).toBeVisible();
  await expect(page.getByLabel("Land der Staatsangehörigkeit")).toHaveValue("DE");
  await expectAccessible(page, "the W-8BEN step");
  const taxStep = (await page.locator("body").allInnerTexts()).join("\n");
  expect(taxStep).not.toMatch(
    /Your tax details|About you|Full legal name|Date of birth|Under penalties of perjury|Sign and continue|electronic signature/,
  );
  await page.getByLabel("Geburtsdatum").fill("1988-02-29");
  await page.getByLabel("Straße und Hausnummer").fill("Hauptstraße 5");
  await page.getByLabel("Ort", { exact: true }).fill("Berlin");
  await page.getByLabel("Steueridentifikationsnummer in Ihrem Land").fill("12 345 678 901");
  await page.getByLabel("Ich bestätige, dass die obigen Angaben wahr sind").check();
  await page
    .getByLabel("Geben Sie zum Unterschreiben Ihren vollständigen Namen ein")
    .fill("Jonas Wagner");
  await page.getByRole("button", { name: "Unterschreiben und weiter" }).click();
  await expect(page.getByText("Geben Sie denselben Namen ein wie oben im Formular.")).toBeVisible();
  await page
    .getByLabel("Geben Sie zum Unterschreiben Ihren vollständigen Namen ein")
    .fill("Jonas Weber");
  await page.getByRole("button", { name: "Unterschreiben und weiter" }).click();

  await expect(
    page.getByRole("heading", { name: "Wie möchten Sie Ihr Geld erhalten?" }),
  ).toBeVisible();
  await context.close();
});
