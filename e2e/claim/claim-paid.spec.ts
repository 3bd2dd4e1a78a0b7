import { startWebhookReceiver, type WebhookReceiver } from "@/tests/fixtures/webhook-receiver";
import {
  type Api,
  CLAIM_TEST_TIMEOUT,
  claimPathFor,
  expect,
  phone,
  recipientEmail,
  test,
  verifyByEmail,
  waitForEmail,
} from "./support";

test.use(phone);
test.describe.configure({ timeout: CLAIM_TEST_TIMEOUT });

let receiver: WebhookReceiver;

test.beforeAll(async () => {
  receiver = await startWebhookReceiver();
});
test.afterAll(async () => {
  await receiver.close();
});

/** A test-only endpoint for `payout.paid`, verified with the secret the API shows once. */
async function listenForPaid(api: Api, name: string) {
  const path = `/hooks/${name}`;
  const endpoint = await api.post<{ id: string; secret: string }>("/webhook_endpoints", {
    url: receiver.url(path),
    event_types: ["payout.paid"],
  });
  receiver.register(path, endpoint.secret);
  return path;
}

async function expectPaidWebhook(path: string, payoutId: string) {
  await expect
    .poll(
      () =>
        receiver
          .on(path)
          .map((r) => ({ verified: r.verified, event: JSON.parse(r.body) }))
          .find((r) => r.event.data?.object?.id === payoutId),
      { timeout: 45_000 },
    )
    .toMatchObject({
      verified: true,
      event: { type: "payout.paid", data: { object: { status: "paid" } } },
    });
}

const cases = [
  {
    title: "a US recipient is paid by PayPal",
    recipient: { name: "Maya Chen", country: "US" },
    amount: 2500,
    currency: "USD",
    shown: "$25.00",
    method: "PayPal",
    fill: async () => {},
  },
  {
    title: "a Kenyan recipient is paid by M-Pesa",
    recipient: { name: "Amani Otieno", country: "KE" },
    amount: 1500,
    currency: "USD",
    shown: "$15.00",
    method: "M-Pesa",
    fill: async (page: import("@playwright/test").Page) => {
      await page.getByLabel("M-Pesa mobile number").fill("0712 345 678");
    },
  },
  {
    title: "a German recipient is paid by SEPA",
    recipient: { name: "Lukas Weber", country: "DE" },
    amount: 4000,
    currency: "EUR",
    shown: "€40.00",
    method: "Bank transfer (SEPA)",
    fill: async (page: import("@playwright/test").Page) => {
      await page.getByLabel("Account holder's name").fill("Lukas Weber");
      await page.getByLabel("IBAN").fill("DE89 3704 0044 0532 0130 00");
    },
  },
];

for (const c of cases) {
  test(`${c.title}: from opening the link to paid, with receipt and signed webhook`, async ({
    page,
    api,
    mailbox,
  }) => {
    const hook = await listenForPaid(api, c.recipient.country.toLowerCase());
    const email = recipientEmail(c.recipient.name.split(" ")[0]?.toLowerCase() ?? "r");
    const payout = await api.createPayout({
      recipient: { ...c.recipient, email },
      amount: c.amount,
      currency: c.currency,
      description: "Creator bonus",
    });
    const claimPath = await claimPathFor(mailbox, payout, email);

    await page.goto(claimPath);
    await expect(page.getByRole("heading", { level: 1 })).toHaveText(
      `Acme Creators sent you ${c.shown}`,
    );
    await expect(page.getByText("Creator bonus")).toBeVisible();
    await verifyByEmail(page, mailbox, email);

    await expect(
      page.getByRole("heading", { name: "How would you like to be paid?" }),
    ).toBeVisible();
    await page
      .getByRole("link", { name: new RegExp(`^${c.method.replace(/[()]/g, "\\$&")}`) })
      .click();
    await c.fill(page);
    if (c.method === "PayPal")
      await expect(page.getByLabel("PayPal email or mobile number")).toHaveValue(email);
    await page.getByRole("button", { name: "Continue" }).click();

    await expect(page.getByRole("heading", { name: "Check and confirm" })).toBeFocused();
    await expect(page.getByText(c.shown)).toBeVisible();
    await page.getByRole("button", { name: "Confirm and get paid" }).click();

    await expect(page.getByRole("main").getByRole("status")).toContainText(
      `Paid! We sent ${c.shown} via ${c.method}.`,
      {
        timeout: 45_000,
      },
    );

    const receipt = await waitForEmail(mailbox, {
      to: email,
      kind: "receipt",
      subjectRef: payout.id,
    });
    expect(receipt.subject).toBe(`Receipt: ${c.shown} from Acme Creators`);
    expect(receipt.text).toContain(`Acme Creators paid you ${c.shown} by ${c.method}.`);
    await expectPaidWebhook(hook, payout.id);
  });
}
