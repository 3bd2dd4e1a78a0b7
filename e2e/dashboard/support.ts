import { randomUUID } from "node:crypto";
import { type Browser, test as base, expect, type Page, type Request } from "@playwright/test";

export { expect };

type MailKind = "sign_in" | "invitation" | "invite" | "email_changed" | "payout_stopped";

/**
 * The dev mailbox at /dev/mailbox, read the way a developer reads it: without SMTP,
 * every test-mode email the app sends is kept there. It has a browser page of its own,
 * so reading mail never navigates away from the page under test.
 */
export class Mailbox {
  constructor(private readonly reader: Page) {}

  private async open(to: string) {
    await this.reader.goto(`/dev/mailbox?to=${encodeURIComponent(to)}`);
    return this.reader.getByRole("listitem");
  }

  async count(where: { to: string; kind: MailKind }): Promise<number> {
    const items = await this.open(where.to);
    return items.filter({ hasText: `· ${where.kind}` }).count();
  }

  /** The newest mail of `kind` to `to` (waiting for it to arrive), as its plain text. */
  async latestText(where: { to: string; kind: MailKind }, timeout = 45_000): Promise<string> {
    await expect
      .poll(async () => this.count(where), { timeout, intervals: [250, 500, 1000] })
      .toBeGreaterThan(0);
    const items = await this.open(where.to);
    await items
      .filter({ hasText: `· ${where.kind}` })
      .first()
      .getByRole("link")
      .click();
    await this.reader.waitForURL(/\/dev\/mailbox\/eml_/);
    const text = await this.reader
      .getByRole("region", { name: "Plain text" })
      .locator("pre")
      .textContent();
    return text ?? "";
  }

  /** The first link in the newest such mail whose URL matches `pattern`. */
  async link(where: { to: string; kind: MailKind }, pattern: RegExp): Promise<string> {
    const text = await this.latestText(where);
    const url = text.match(/https?:\/\/\S+/g)?.find((u) => pattern.test(u));
    if (!url)
      throw new Error(`no link matching ${pattern} in the ${where.kind} mail to ${where.to}`);
    return url;
  }
}

export const test = base.extend<{ mailbox: Mailbox }>({
  mailbox: async ({ browser, baseURL }, use) => {
    const context = await browser.newContext({ baseURL });
    await use(new Mailbox(await context.newPage()));
    await context.close();
  },
});

/** A fresh address per test, so mailbox lookups never see another test's mail. */
export function freshEmail(name: string, domain = "example.com"): string {
  return `${name}.${randomUUID().slice(0, 8)}@${domain}`;
}

/** Signs in the way a person does: asks for a link, opens it from the dev mailbox. */
export async function signIn(page: Page, mailbox: Mailbox, email: string, next = "/dashboard") {
  const before = await mailbox.count({ to: email, kind: "sign_in" });
  await page.goto(`/login?callbackUrl=${encodeURIComponent(next)}`);
  await page.getByLabel("Work email").fill(email);
  await page.getByRole("button", { name: "Email me a sign-in link" }).click();
  await expect(page.getByRole("heading", { name: "Check your email" })).toBeVisible({
    timeout: 30_000,
  });
  await expect
    .poll(() => mailbox.count({ to: email, kind: "sign_in" }), { timeout: 45_000 })
    .toBe(before + 1);
  const link = await mailbox.link(
    { to: email, kind: "sign_in" },
    /\/api\/auth\/callback\/nodemailer/,
  );
  // The callback redirects to `next`; waiting for the DOM there, not for every chart's
  // script to load, is what a person waits for too.
  await page.goto(link, { waitUntil: "domcontentloaded" });
  await page.waitForURL(
    (url) => !url.pathname.startsWith("/api/auth") && !url.pathname.startsWith("/login"),
  );
}

/** A new browser context signed in as `email`, for a second person in the same test. */
export async function personAt(
  browser: Browser,
  mailbox: Mailbox,
  email: string,
  next = "/dashboard",
) {
  const context = await browser.newContext();
  const page = await context.newPage();
  await signIn(page, mailbox, email, next);
  return page;
}

/**
 * Records the next server action request a page sends, so a test can send the very same
 * request as someone else and prove the server refuses it (not just the button).
 */
export async function captureServerAction(page: Page, trigger: () => Promise<void>) {
  const request = await Promise.all([
    page.waitForRequest(
      (r: Request) => r.method() === "POST" && Boolean(r.headers()["next-action"]),
    ),
    trigger(),
  ]).then(([r]) => r);
  const headers = await request.allHeaders();
  return {
    url: request.url(),
    body: request.postData() ?? "",
    headers: Object.fromEntries(
      Object.entries(headers).filter(
        ([k]) => !["cookie", "content-length", "host"].includes(k) && !k.startsWith(":"),
      ),
    ),
  };
}

export type CapturedAction = Awaited<ReturnType<typeof captureServerAction>>;

/** Sends a captured server action as the person signed in on `page`, with text substitutions. */
export async function replayServerAction(
  page: Page,
  action: CapturedAction,
  replace: [string, string][] = [],
) {
  let body = action.body;
  for (const [from, to] of replace) body = body.split(from).join(to);
  const response = await page.request.post(action.url, { headers: action.headers, data: body });
  return { status: response.status(), text: await response.text() };
}

/** A campaign CSV of `rows` creators, with the given rows (1-based data rows) made invalid. */
export function campaignCsv(
  prefix: string,
  rows: number,
  invalid: Record<number, Partial<Record<"email" | "country" | "amount", string>>>,
) {
  const lines = ["email,name,country,amount,external_id"];
  for (let i = 1; i <= rows; i++) {
    const row = {
      email: `${prefix}-${i}@example.com`,
      name: `Creator ${i}`,
      country: ["US", "DE", "BR", "KE", "IN"][i % 5] as string,
      amount: `${(i % 7) + 1}.50`,
      externalId: `${prefix}-${i}`,
      ...invalid[i],
    };
    lines.push([row.email, row.name, row.country, row.amount, row.externalId].join(","));
  }
  return lines.join("\n");
}
