import { randomUUID } from "node:crypto";
import {
  type APIRequestContext,
  type BrowserContext,
  test as base,
  expect,
  type Page,
} from "@playwright/test";
import type postgres from "postgres";
import { connectPostgres } from "@/db/connect";
import { Mailbox, type MailboxMail, signIn } from "../dashboard/support";
import { demoCredentials, e2eDatabaseUrl } from "../demo";

/** A claim test waits for an invite (up to a relay sweep), then for a payout to settle. */
export const CLAIM_TEST_TIMEOUT = 240_000;

/** The small phone issue 19 measures the claim on. */
export const smallPhone = {
  viewport: { width: 360, height: 740 },
  isMobile: true,
  hasTouch: true,
};

/** The admin's signed-in session, for a test that looks at the dashboard too. */
export async function adminContext(browser: import("@playwright/test").Browser) {
  return browser.newContext({ storageState: adminState });
}

/** Every claim test runs on a phone-sized screen. */
export const phone = { viewport: { width: 390, height: 844 }, isMobile: true, hasTouch: true };

export type ClaimKit = {
  sql: postgres.Sql;
  api: Api;
  /** The dev mailbox as the demo organisation's admin reads it: every mail the organisation sends. */
  mailbox: Mailbox;
};

type StorageState = Awaited<ReturnType<BrowserContext["storageState"]>>;
/** The admin signs in once per worker; later tests reuse the session. */
let adminState: StorageState | undefined;

export const test = base.extend<ClaimKit>({
  // The dev mailbox's rows, and the one thing an API cannot do on demand, letting a link's
  // time run out.
  // biome-ignore lint/correctness/noEmptyPattern: Playwright fixtures take their dependencies by destructuring
  sql: async ({}, use) => {
    const sql = connectPostgres(e2eDatabaseUrl(), { max: 2 });
    await use(sql);
    await sql.end({ timeout: 5 });
  },
  api: async ({ request }, use) => {
    await use(new Api(request));
  },
  mailbox: async ({ browser }, use) => {
    const context = await browser.newContext({ storageState: adminState });
    const mailbox = new Mailbox();
    if (adminState) await mailbox.readAs(context);
    else {
      await signIn(await context.newPage(), mailbox, demoCredentials().adminEmail);
      adminState = await context.storageState();
    }
    await use(mailbox);
    await context.close();
  },
});
export { expect };

export class Api {
  constructor(private readonly request: APIRequestContext) {}

  private headers(extra: Record<string, string> = {}) {
    return { Authorization: `Bearer ${demoCredentials().apiKey}`, ...extra };
  }

  async post<T>(url: string, data: unknown): Promise<T> {
    const response = await this.request.post(`/api/v1${url}`, {
      data,
      headers: this.headers({ "Idempotency-Key": randomUUID() }),
    });
    expect(response.ok(), `${url}: ${await response.text()}`).toBe(true);
    return (await response.json()) as T;
  }

  async patch<T>(url: string, data: unknown): Promise<T> {
    const response = await this.request.patch(`/api/v1${url}`, { data, headers: this.headers() });
    expect(response.ok(), `${url}: ${await response.text()}`).toBe(true);
    return (await response.json()) as T;
  }

  async get<T>(url: string): Promise<T> {
    const response = await this.request.get(`/api/v1${url}`, { headers: this.headers() });
    expect(response.ok(), `${url}: ${await response.text()}`).toBe(true);
    return (await response.json()) as T;
  }

  /** A payout through the public API, as an integrator creates it. */
  createPayout(body: {
    recipient: { email: string; name: string; country: string; locale?: string };
    amount: number;
    currency: string;
    description?: string;
  }) {
    return this.post<{ id: string; recipient_id: string; status: string }>("/payouts", body);
  }
}

/** A fresh address per test, so mailbox lookups never see another test's mail. */
export function recipientEmail(name: string): string {
  return `${name}.${randomUUID().slice(0, 8)}@example.com`;
}

/** The newest mail of `kind` to `to` (about `subjectRef`, written since `after`), waiting for it. */
export async function waitForEmail(
  mailbox: Mailbox,
  where: {
    to: string;
    kind: "invite" | "claim_code" | "receipt" | "payout_expired" | "help_requested";
    subjectRef?: string;
    after?: Date;
  },
  timeout = 45_000,
): Promise<MailboxMail> {
  let found: MailboxMail | undefined;
  await expect
    .poll(
      async () => {
        for (const read of await mailbox.all(where, timeout)) {
          const mail = await read();
          if (where.subjectRef && mail.about !== where.subjectRef) continue;
          // The mailbox shows whole milliseconds; `after` is a moment on this machine's clock.
          if (where.after && mail.writtenAt < where.after) break;
          found = mail;
          return true;
        }
        return false;
      },
      { timeout, intervals: [250, 500, 1000] },
    )
    .toBe(true);
  return found as MailboxMail;
}

/** The claim link from the invite email the recipient receives. */
export async function claimPathFor(
  mailbox: Mailbox,
  payout: { id: string },
  to: string,
): Promise<string> {
  // Preparation starts when the outbox relays payout.created, at the latest on the minute sweep.
  const invite = await waitForEmail(
    mailbox,
    { to, kind: "invite", subjectRef: payout.id },
    120_000,
  );
  const url = invite.text.match(/https?:\/\/\S+\/c\/[A-Za-z0-9_-]{43}/)?.[0];
  if (!url) throw new Error(`no claim link in the invite to ${to}`);
  return new URL(url).pathname;
}

/** The newest code emailed to `to` since `after`. */
export async function codeFor(mailbox: Mailbox, to: string, after: Date): Promise<string> {
  const mail = await waitForEmail(mailbox, { to, kind: "claim_code", after });
  const code = mail.text.match(/\b(\d{6})\b/)?.[1];
  if (!code) throw new Error(`no code in the email to ${to}`);
  return code;
}

/** From the link's first page to the method list: ask for a code, read it, type it. */
export async function verifyByEmail(page: Page, mailbox: Mailbox, to: string, labels = english) {
  const asked = new Date(Date.now() - 1000);
  await page.getByRole("button", { name: labels.sendCode }).click();
  await expect(page.getByLabel(labels.codeLabel)).toBeVisible();
  await page.getByLabel(labels.codeLabel).fill(await codeFor(mailbox, to, asked));
  await page.getByRole("button", { name: labels.verify, exact: true }).click();
}

export const english = { sendCode: "Email me a code", codeLabel: "6-digit code", verify: "Verify" };
