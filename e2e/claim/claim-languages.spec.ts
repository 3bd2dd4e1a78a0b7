import { readFileSync } from "node:fs";
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

type Messages = { [key: string]: string | Messages };

const catalog = (locale: string) =>
  JSON.parse(readFileSync(`messages/${locale}.json`, "utf8")) as Messages;
const en = catalog("en");
const es = catalog("es");
const hi = catalog("hi");

function flatten(messages: Messages, prefix = ""): Map<string, string> {
  const flat = new Map<string, string>();
  for (const [key, value] of Object.entries(messages)) {
    if (typeof value === "string") flat.set(`${prefix}${key}`, value);
    else for (const [k, v] of flatten(value, `${prefix}${key}.`)) flat.set(k, v);
  }
  return flat;
}

/**
 * The English wording a page in `translated` must not show: every claim message that the
 * locale translates, cut at its placeholders into fragments long enough to be telling.
 */
function englishFragments(translated: Messages): string[] {
  const theirs = flatten(translated);
  const fragments = new Set<string>();
  for (const [key, english] of flatten(en)) {
    if (!key.startsWith("claim.") || theirs.get(key) === english) continue;
    for (const piece of english.split(/\{[^{}]*(?:\{[^{}]*\}[^{}]*)*\}|<\/?\w+>/)) {
      const fragment = piece.trim();
      if (fragment.length >= 12) fragments.add(fragment);
    }
  }
  return [...fragments];
}

async function expectNoEnglish(page: Page, fragments: string[], step: string) {
  const text = (await page.locator("body").allInnerTexts()).join("\n");
  expect(
    fragments.filter((f) => text.includes(f)),
    `${step} shows untranslated English`,
  ).toEqual([]);
  expect(text, `${step} shows a raw message key`).not.toMatch(/\bclaim\.[a-z]+\.[a-zA-Z_.]+/);
}

const languages = [
  {
    name: "Spanish",
    locale: "es-ES",
    messages: es,
    labels: {
      sendCode: "Enviarme un código",
      codeLabel: "Código de 6 dígitos",
      verify: "Verificar",
    },
    heading: "¿Cómo quieres cobrar?",
    method: /^PayPal/,
    continue: "Continuar",
    confirm: "Confirmar y cobrar",
    paid: "¡Pagado!",
  },
  {
    name: "Hindi",
    locale: "hi-IN",
    messages: hi,
    labels: { sendCode: "मुझे कोड ईमेल करें", codeLabel: "6 अंकों का कोड", verify: "सत्यापित करें" },
    heading: "आप भुगतान कैसे पाना चाहेंगे?",
    method: /^PayPal/,
    continue: "आगे बढ़ें",
    confirm: "पुष्टि करें और भुगतान पाएँ",
    paid: "भुगतान हो गया!",
  },
];

test.describe.configure({ timeout: CLAIM_TEST_TIMEOUT });

for (const language of languages) {
  test.describe(`${language.name}`, () => {
    test.use({ ...phone, locale: language.locale });

    test(`the whole claim renders in ${language.name}, with no untranslated strings`, async ({
      page,
      api,
      mailbox,
    }) => {
      const fragments = englishFragments(language.messages as Messages);
      const email = recipientEmail(language.name.toLowerCase());
      const payout = await api.createPayout({
        recipient: { email, name: "Language Test", country: "US" },
        amount: 2500,
        currency: "USD",
      });
      await page.goto(await claimPathFor(mailbox, payout, email));
      await expect(page.locator("html")).toHaveAttribute(
        "lang",
        language.locale.split("-")[0] ?? "",
      );
      await expectNoEnglish(page, fragments, "landing");

      await verifyByEmail(page, mailbox, email, language.labels);
      await expect(page.getByRole("heading", { name: language.heading })).toBeVisible();
      await expectNoEnglish(page, fragments, "methods");

      await page.getByRole("link", { name: language.method }).click();
      await page.getByRole("textbox").first().fill("not an account");
      await page.getByRole("button", { name: language.continue }).click();
      await expect(page.locator('[aria-invalid="true"]').first()).toBeVisible();
      await expectNoEnglish(page, fragments, "details with an error");

      await page.getByRole("textbox").first().fill(email);
      await page.getByRole("button", { name: language.continue }).click();
      await expectNoEnglish(page, fragments, "review");
      await page.getByRole("button", { name: language.confirm }).click();
      await expect(page.getByRole("main").getByRole("status")).toContainText(language.paid, {
        timeout: 45_000,
      });
      await expectNoEnglish(page, fragments, "status");
    });
  });
}

test.describe("language switcher", () => {
  test.use({ ...phone, locale: "en-US" });

  test("switches the claim to the chosen language and keeps it", async ({ page, api, mailbox }) => {
    const email = recipientEmail("switch");
    const payout = await api.createPayout({
      recipient: { email, name: "Switch Test", country: "BR" },
      amount: 5000,
      currency: "USD",
    });
    const claimPath = await claimPathFor(mailbox, payout, email);
    await page.goto(claimPath);
    await page.getByLabel("Language").selectOption("pt-BR");
    await page.getByRole("button", { name: "Change language" }).click();
    await expect(page.getByRole("heading", { level: 1 })).toHaveText(
      "Acme Creators enviou US$ 50,00 para você",
    );
    await expect(page.locator("html")).toHaveAttribute("lang", "pt-BR");
    await page.reload();
    await expect(page.getByRole("button", { name: "Enviar código por e-mail" })).toBeVisible();
  });
});
