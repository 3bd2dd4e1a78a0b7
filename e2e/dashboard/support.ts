import { randomUUID } from "node:crypto";
import {
  type Browser,
  type BrowserContext,
  test as base,
  expect,
  type Page,
  type Request,
} from "@playwright/test";

export { expect };

type MailKind =
  | "sign_in"
  | "invitation"
  | "invite"
  | "claim_code"
  | "receipt"
  | "email_changed"
  | "payout_stopped"
  | "payout_expired"
  | "help_requested";
type MailQuery = { to: string; kind: MailKind };

/** A mail as the dev mailbox shows it. */
export type MailboxMail = { subject: string; text: string; writtenAt: Date; about: string | null };

/**
 * The dev mailbox at /dev/mailbox, read the way a developer reads it. It shows a browser
 * only what that browser may read: the sign-in links it asked for and, once signed in,
 * its organisations' mail and mail to its own address. So the mailbox reads through the
 * browsers of the people in a test, each with a reader page of its own (reading mail
 * never navigates the page under test), and a mail counts once however many see it.
 */
export class Mailbox {
  private readonly readers = new Map<BrowserContext, Page>();

  /** From now on, also read what `context` (a browser that asked for mail, or signed in) may see. */
  async readAs(context: BrowserContext): Promise<void> {
    if (!this.readers.has(context)) this.readers.set(context, await context.newPage());
  }

  /** Each matching mail's id, with a reader that sees it. */
  private async find(where: MailQuery): Promise<Map<string, Page>> {
    const found = new Map<string, Page>();
    for (const reader of this.readers.values()) {
      await reader.goto(`/dev/mailbox?to=${encodeURIComponent(where.to)}`);
      const hrefs = await reader
        .getByRole("listitem")
        .filter({ hasText: `· ${where.kind}` })
        .getByRole("link")
        .evaluateAll((links) => links.map((a) => a.getAttribute("href") ?? ""));
      for (const href of hrefs) {
        const id = href.split("/").pop();
        if (id && !found.has(id)) found.set(id, reader);
      }
    }
    return found;
  }

  async count(where: MailQuery): Promise<number> {
    return (await this.find(where)).size;
  }

  /** Every such mail, newest first (ids sort by time), waiting for at least one to arrive. */
  async all(where: MailQuery, timeout = 45_000): Promise<Array<() => Promise<MailboxMail>>> {
    await expect
      .poll(async () => this.count(where), { timeout, intervals: [250, 500, 1000] })
      .toBeGreaterThan(0);
    const found = await this.find(where);
    return [...found.keys()]
      .sort()
      .reverse()
      .map((id) => () => this.read(found.get(id) as Page, id));
  }

  private async read(reader: Page, id: string): Promise<MailboxMail> {
    await reader.goto(`/dev/mailbox/${id}`);
    const detail = (term: string) =>
      reader.locator(`xpath=//dt[normalize-space()="${term}"]/following-sibling::dd[1]`);
    const about = detail("About");
    return {
      subject: (await reader.getByRole("heading", { level: 1 }).textContent()) ?? "",
      text:
        (await reader.getByRole("region", { name: "Plain text" }).locator("pre").textContent()) ??
        "",
      writtenAt: new Date(
        (await detail("Written").locator("time").getAttribute("datetime")) ?? Number.NaN,
      ),
      about: (await about.count()) ? await about.textContent() : null,
    };
  }

  /** The newest mail of `kind` to `to` (waiting for it to arrive), as its plain text. */
  async latestText(where: MailQuery, timeout = 45_000): Promise<string> {
    const [newest] = await this.all(where, timeout);
    if (!newest) throw new Error(`no ${where.kind} mail to ${where.to}`);
    return (await newest()).text;
  }

  /** The first link in the newest such mail whose URL matches `pattern`. */
  async link(where: MailQuery, pattern: RegExp): Promise<string> {
    const text = await this.latestText(where);
    const url = text.match(/https?:\/\/\S+/g)?.find((u) => pattern.test(u));
    if (!url)
      throw new Error(`no link matching ${pattern} in the ${where.kind} mail to ${where.to}`);
    return url;
  }
}

export const test = base.extend<{ mailbox: Mailbox }>({
  // biome-ignore lint/correctness/noEmptyPattern: Playwright fixtures take their dependencies by destructuring
  mailbox: async ({}, use) => {
    await use(new Mailbox());
  },
});

/** A fresh address per test, so mailbox lookups never see another test's mail. */
export function freshEmail(name: string, domain = "example.com"): string {
  return `${name}.${randomUUID().slice(0, 8)}@${domain}`;
}

/**
 * Signs in the way a person does: asks for a link, opens it from the dev mailbox, which
 * shows it to this browser (the one that asked) and, once signed in, this person's mail.
 */
export async function signIn(page: Page, mailbox: Mailbox, email: string, next = "/dashboard") {
  await mailbox.readAs(page.context());
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
