import AxeBuilder from "@axe-core/playwright";
import type { Page } from "@playwright/test";
import {
  adminContext,
  CLAIM_TEST_TIMEOUT,
  claimPathFor,
  codeFor,
  expect,
  recipientEmail,
  smallPhone,
  test,
  waitForEmail,
} from "./support";

/*
 * Issue 19, the recipient's half, on a 360×740 phone: four screens from the link to
 * paid in three languages, every dead end with its way forward, and axe with no
 * violation of any impact on every screen.
 */

test.use(smallPhone);
test.describe.configure({ timeout: CLAIM_TEST_TIMEOUT });

/** WCAG 2.2 A/AA and best practice: no violation of any impact. */
async function expectNoViolations(page: Page, step: string) {
  const results = await new AxeBuilder({ page })
    .withTags(["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22aa", "best-practice"])
    .analyze();
  expect(
    results.violations.map(
      (v) => `${v.id} (${v.impact}): ${v.nodes.map((n) => n.target.join(" ")).join(", ")}`,
    ),
    `${step} has axe violations`,
  ).toEqual([]);
}

/** Every screen the recipient is shown: each navigation of the page, full or in-app. */
function screensOf(page: Page): string[] {
  const screens: string[] = [];
  page.on("framenavigated", (frame) => {
    if (frame !== page.mainFrame()) return;
    // A step that rewrites its own history entry is still the same screen.
    const path = new URL(frame.url()).pathname;
    if (screens.at(-1) !== path) screens.push(path);
  });
  return screens;
}

const cases = [
  {
    title: "Spanish from the locale the platform gave (es-US), by PayPal",
    browserLocale: "en-US",
    recipient: { name: "María García", country: "US", locale: "es-US" },
    amount: 123456,
    currency: "USD",
    lang: "es",
    heading: "Acme Creators te ha enviado $1,234.56",
    inviteSubject: "Acme Creators te envió $1,234.56",
    sendCode: "Enviarme un código",
    codeLabel: "Código de 6 dígitos",
    verify: "Verificar",
    methodsHeading: "¿Cómo quieres cobrar?",
    method: "PayPal",
    fill: async (_page: Page) => {},
    continue: "Continuar",
    review: "Revisa y confirma",
    confirm: "Confirmar y cobrar",
    paid: "¡Pagado! Te enviamos $1,234.56 mediante PayPal.",
  },
  {
    title: "Canadian French (fr-CA), by Virement Interac",
    browserLocale: "en-US",
    recipient: { name: "Élodie Tremblay", country: "CA", locale: "fr-CA" },
    amount: 123456,
    currency: "CAD",
    lang: "fr",
    heading: "Acme Creators vous a envoyé 1\u00a0234,56\u00a0$",
    inviteSubject: "Acme Creators vous a envoyé 1\u00a0234,56\u00a0$",
    sendCode: "M’envoyer un code",
    codeLabel: "Code à 6 chiffres",
    verify: "Vérifier",
    methodsHeading: "Comment souhaitez-vous être payé ?",
    method: "Virement Interac",
    fill: async (_page: Page) => {},
    continue: "Continuer",
    review: "Vérifiez et confirmez",
    confirm: "Confirmer et être payé",
    paid: "Payé ! Nous vous avons envoyé 1\u00a0234,56\u00a0$ via Virement Interac.",
  },
  {
    title: "Hindi, the invite from the country (IN) and the page from the phone, by UPI",
    browserLocale: "hi-IN",
    recipient: { name: "Priya Sharma", country: "IN" },
    amount: 250000,
    currency: "INR",
    lang: "hi",
    heading: "Acme Creators ने आपको ₹2,500.00 भेजे हैं",
    inviteSubject: "Acme Creators ने आपको ₹2,500.00 भेजे हैं",
    sendCode: "मुझे कोड ईमेल करें",
    codeLabel: "6 अंकों का कोड",
    verify: "सत्यापित करें",
    methodsHeading: "आप भुगतान कैसे पाना चाहेंगे?",
    method: "UPI",
    fill: async (page: Page) => {
      await page.getByLabel("UPI आईडी").fill("priya.sharma@okhdfcbank");
    },
    continue: "आगे बढ़ें",
    review: "जाँचें और पुष्टि करें",
    confirm: "पुष्टि करें और भुगतान पाएँ",
    paid: "भुगतान हो गया! हमने UPI से ₹2,500.00 भेज दिए।",
  },
];

for (const c of cases) {
  test.describe(c.title, () => {
    test.use({ locale: c.browserLocale });

    test("four screens from the link to paid, each in the recipient's language and accessible", async ({
      page,
      api,
      mailbox,
    }) => {
      const email = recipientEmail(c.recipient.country.toLowerCase());
      // The demo balance holds USD and EUR; test funds for the other currencies.
      await api.post("/funding/test_deposits", { amount: c.amount, currency: c.currency });
      const payout = await api.createPayout({
        recipient: { ...c.recipient, email },
        amount: c.amount,
        currency: c.currency,
      });
      const invite = await waitForEmail(
        mailbox,
        { to: email, kind: "invite", subjectRef: payout.id },
        120_000,
      );
      expect(invite.subject).toBe(c.inviteSubject);
      const claimPath = await claimPathFor(mailbox, payout, email);

      const screens = screensOf(page);
      await page.goto(claimPath);
      await expect(page.locator("html")).toHaveAttribute("lang", c.lang);
      await expect(page.getByRole("heading", { level: 1 })).toHaveText(c.heading);
      await expectNoViolations(page, "landing");
      await page.screenshot({
        path: `test-results/claim-ux/${c.lang}-1-landing.png`,
        fullPage: true,
      });

      // The code is sent and typed on the landing page itself.
      const asked = new Date(Date.now() - 1000);
      await page.getByRole("button", { name: c.sendCode }).click();
      await expect(page.getByLabel(c.codeLabel)).toBeFocused();
      await expectNoViolations(page, "code step");
      await page.screenshot({ path: `test-results/claim-ux/${c.lang}-2-code.png`, fullPage: true });
      await page.getByLabel(c.codeLabel).fill(await codeFor(mailbox, email, asked));
      await page.getByRole("button", { name: c.verify, exact: true }).click();

      await expect(page.getByRole("heading", { name: c.methodsHeading })).toBeVisible();
      await expect(page.locator("html")).toHaveAttribute("lang", c.lang);
      await expectNoViolations(page, "methods");
      await page.screenshot({
        path: `test-results/claim-ux/${c.lang}-3-methods.png`,
        fullPage: true,
      });
      await page.getByRole("link", { name: new RegExp(`^${c.method}`) }).click();
      await c.fill(page);
      await page.getByRole("button", { name: c.continue }).click();
      // Review is part of the details step: no new screen.
      await expect(page.getByRole("heading", { name: c.review })).toBeFocused();
      await expect(page.locator("html")).toHaveAttribute("lang", c.lang);
      await expectNoViolations(page, "details and review");
      await page.screenshot({
        path: `test-results/claim-ux/${c.lang}-4-review.png`,
        fullPage: true,
      });
      await page.getByRole("button", { name: c.confirm }).click();

      await expect(page.getByRole("main").getByRole("status")).toContainText(c.paid, {
        timeout: 45_000,
      });
      await expect(page.locator("html")).toHaveAttribute("lang", c.lang);
      await expectNoViolations(page, "status");
      await page.screenshot({
        path: `test-results/claim-ux/${c.lang}-5-status.png`,
        fullPage: true,
      });

      expect(screens, `screens: ${screens.join(" → ")}`).toEqual([
        claimPath,
        `${claimPath}/methods`,
        expect.stringMatching(new RegExp(`^${claimPath}/methods/[a-z_]+$`)),
        `${claimPath}/status`,
      ]);
      expect(screens.length).toBeLessThanOrEqual(4);
    });
  });
}

test("keyboard only: from the link to paid without a pointer", async ({ page, api, mailbox }) => {
  const email = recipientEmail("keys");
  const payout = await api.createPayout({
    recipient: { email, name: "Kai Keys", country: "US" },
    amount: 2500,
    currency: "USD",
  });
  await page.goto(await claimPathFor(mailbox, payout, email));

  /** Tabs forward until `target` has the focus (at most 40 presses), then presses Enter. */
  async function tabTo(target: import("@playwright/test").Locator, key = "Enter") {
    for (let i = 0; i < 40; i++) {
      if (await target.evaluate((el) => el === document.activeElement).catch(() => false)) break;
      await page.keyboard.press("Tab");
    }
    await expect(target).toBeFocused();
    if (key) await page.keyboard.press(key);
  }

  const asked = new Date(Date.now() - 1000);
  await tabTo(page.getByRole("button", { name: "Email me a code" }));
  await expect(page.getByLabel("6-digit code")).toBeFocused();
  await page.keyboard.type(await codeFor(mailbox, email, asked));
  await page.keyboard.press("Enter");
  await expect(page.getByRole("heading", { name: "How would you like to be paid?" })).toBeVisible();
  await tabTo(page.getByRole("link", { name: /^PayPal/ }));
  await expect(page.getByLabel("PayPal email or mobile number")).toBeVisible();
  await tabTo(page.getByRole("button", { name: "Continue" }));
  await expect(page.getByRole("heading", { name: "Check and confirm" })).toBeFocused();
  await tabTo(page.getByRole("button", { name: "Confirm and get paid" }));
  await expect(page.getByRole("main").getByRole("status")).toContainText("Paid!", {
    timeout: 45_000,
  });
});

test("an expired link names the payer and asks them for a new link, once", async ({
  page,
  browser,
  api,
  sql,
  mailbox,
}) => {
  const email = recipientEmail("expired");
  const payout = await api.createPayout({
    recipient: { email, name: "Sam Late", country: "US" },
    amount: 900,
    currency: "USD",
  });
  const claimPath = await claimPathFor(mailbox, payout, email);
  await sql`update claim_links set expires_at = now() - interval '1 minute' where payout_id = ${payout.id}`;

  await page.goto(claimPath);
  await expect(page.getByRole("banner")).toContainText("Acme Creators");
  await expect(page.getByRole("heading", { name: "This link has expired" })).toBeVisible();
  await expect(
    page.getByText("If you still expect this payment, ask Acme Creators for a new link."),
  ).toBeVisible();
  await expect(page.getByRole("link", { name: "support@acme.test" })).toBeVisible();
  await expectNoViolations(page, "expired");
  await page.screenshot({ path: "test-results/claim-ux/expired.png", fullPage: true });

  await page.getByRole("button", { name: "Ask for a new link" }).click();
  await expect(page.getByRole("status")).toContainText(
    "Done: we told Acme Creators you'd like a new link.",
  );
  await expect(page.getByRole("button", { name: "Ask for a new link" })).toHaveCount(0);
  await expectNoViolations(page, "expired, asked");
  await page.screenshot({ path: "test-results/claim-ux/expired-asked.png", fullPage: true });

  // The organisation hears it: an email to its support address, and the payout's timeline.
  const notice = await waitForEmail(mailbox, {
    to: "support@acme.test",
    kind: "help_requested",
    subjectRef: payout.id,
  });
  expect(notice.subject).toBe(`Sam Late (${email}) asks for a new claim link for $9.00`);
  const admin = await adminContext(browser);
  const dashboard = await admin.newPage();
  await dashboard.goto(`/dashboard/payouts/${payout.id}`);
  await expect(
    dashboard.getByText("The recipient asked for a new claim link from their claim page."),
  ).toBeVisible();
  await admin.close();
});

test("a locked link shows on the payout's page with every attempt, and its reissue lets the recipient in", async ({
  page,
  browser,
  api,
  mailbox,
}) => {
  const email = recipientEmail("locked");
  const payout = await api.createPayout({
    recipient: { email, name: "Lee Locked", country: "US" },
    amount: 1200,
    currency: "USD",
  });
  await page.goto(await claimPathFor(mailbox, payout, email));
  const asked = new Date(Date.now() - 1000);
  await page.getByRole("button", { name: "Email me a code" }).click();
  const real = await codeFor(mailbox, email, asked);
  const wrong = real === "000000" ? "111111" : "000000";
  for (let i = 0; i < 5; i++) {
    await page.getByLabel("6-digit code").fill(wrong);
    await page.getByRole("button", { name: "Verify", exact: true }).click();
  }
  await expect(page.getByRole("heading", { name: "This link is locked" })).toBeVisible();
  await expectNoViolations(page, "locked");
  await page.getByRole("button", { name: "Ask for a new link" }).click();
  await expect(page.getByRole("status")).toContainText("Done: we told Acme Creators");
  await page.screenshot({ path: "test-results/claim-ux/locked-asked.png", fullPage: true });

  const admin = await adminContext(browser);
  const dashboard = await admin.newPage();
  await dashboard.goto(`/dashboard/payouts/${payout.id}`);
  await expect(dashboard.getByText("locked after 5 wrong codes")).toBeVisible();
  await expect(
    dashboard.getByTestId("timeline-sentence").filter({
      hasText: "A wrong code was entered on the claim page.",
    }),
  ).toHaveCount(5);
  await expect(
    dashboard.getByText("The claim link locked after too many wrong codes", { exact: false }),
  ).toBeVisible();
  dashboard.once("dialog", (dialog) => dialog.accept());
  const reissued = new Date(Date.now() - 1000);
  await dashboard.getByRole("button", { name: "Reissue the link" }).click();
  await admin.close();

  const invite = await waitForEmail(mailbox, {
    to: email,
    kind: "invite",
    subjectRef: payout.id,
    after: reissued,
  });
  const fresh = invite.text.match(/https?:\/\/\S+\/c\/[A-Za-z0-9_-]{43}/)?.[0];
  if (!fresh) throw new Error("no link in the reissued invite");
  await page.goto(new URL(fresh).pathname);
  await expect(page.getByRole("button", { name: "Email me a code" })).toBeVisible();
});

test("a refused code request says no code went and when to ask again", async ({
  page,
  api,
  mailbox,
}) => {
  const email = recipientEmail("limited");
  const payout = await api.createPayout({
    recipient: { email, name: "Ray Limited", country: "US" },
    amount: 700,
    currency: "USD",
  });
  const claimPath = await claimPathFor(mailbox, payout, email);
  // What the send form comes back with when the limit refused it (the limit itself is
  // proven in lib/claims/verification.test.ts).
  const until = Date.now() + 25 * 60_000;
  await page.goto(`${claimPath}?n=send_limited&u=${until}`);
  await expect(page.getByRole("alert")).toContainText(
    "We didn't send a code: too many codes were asked for from your network. You can ask again in 25 minutes, at",
  );
  await expect(page.getByLabel("6-digit code")).toHaveCount(0);
  await expectNoViolations(page, "send refused");
});

test("a payout stopped by compliance is told politely, with the payer's contact", async ({
  page,
  api,
  sql,
  mailbox,
}) => {
  const email = recipientEmail("stopped");
  const payout = await api.createPayout({
    recipient: { email, name: "Sol Stopped", country: "US" },
    amount: 800,
    currency: "USD",
  });
  const claimPath = await claimPathFor(mailbox, payout, email);
  // What a sanctions-list stop leaves (the screening itself is proven in tests/compliance).
  await api.post(`/payouts/${payout.id}/cancel`, {});
  await sql`update payouts set failure_reason = 'sanctions_list_match' where id = ${payout.id}`;
  await page.goto(claimPath);
  await expect(page.getByRole("heading", { name: "We can't complete this payment" })).toBeVisible();
  await expect(
    page.getByText("We're sorry: Acme Creators can't send you this payment"),
  ).toBeVisible();
  await expect(page.getByRole("link", { name: "support@acme.test" })).toBeVisible();
  await expectNoViolations(page, "stopped");
});

test("when the only method a country offers fails, the recipient can retry it or ask the payer", async ({
  page,
  api,
  mailbox,
}) => {
  const email = recipientEmail("onlyway");
  await api.post("/funding/test_deposits", { amount: 150013, currency: "KES" });
  // Amounts ending in 13 make the sandbox report the account as closed (docs/payout-methods.md).
  const payout = await api.createPayout({
    recipient: { email, name: "Wanjiru Kamau", country: "KE" },
    amount: 150013,
    currency: "KES",
  });
  await page.goto(await claimPathFor(mailbox, payout, email));
  const asked = new Date(Date.now() - 1000);
  await page.getByRole("button", { name: "Email me a code" }).click();
  await page.getByLabel("6-digit code").fill(await codeFor(mailbox, email, asked));
  await page.getByRole("button", { name: "Verify", exact: true }).click();
  await page.getByRole("link", { name: /^M-Pesa/ }).click();
  // A number no other test's recipient used: a shared destination is held for review.
  await page.getByLabel("M-Pesa mobile number").fill(`07${String(Date.now()).slice(-8)}`);
  await page.getByRole("button", { name: "Continue" }).click();
  await page.getByRole("button", { name: "Confirm and get paid" }).click();
  await expect(page.getByRole("main").getByRole("alert")).toContainText(
    "We couldn't pay you by M-Pesa.",
    { timeout: 45_000 },
  );
  await page.getByRole("link", { name: "Choose another way to get paid" }).click();

  await expect(page.getByRole("heading", { name: "What you can do now" })).toBeVisible();
  await expect(page.getByRole("main").getByRole("alert")).toContainText(
    "We couldn't pay you by M-Pesa, and it is the only way to receive this payment in Kenya.",
  );
  await expect(
    page.getByRole("link", { name: "Try M-Pesa again with other details" }),
  ).toBeVisible();
  await expectNoViolations(page, "only method failed");
  await page.getByRole("button", { name: "Ask Acme Creators to pay you another way" }).click();
  await expect(page.getByRole("main").getByRole("status")).toContainText(
    "Done: we told Acme Creators you'd like to be paid another way.",
  );
  await page.screenshot({ path: "test-results/claim-ux/only-method.png", fullPage: true });
  const notice = await waitForEmail(mailbox, {
    to: "support@acme.test",
    kind: "help_requested",
    subjectRef: payout.id,
  });
  expect(notice.subject).toContain("asks for another way");
});
