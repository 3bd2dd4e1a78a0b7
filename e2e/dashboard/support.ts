import { randomUUID } from "node:crypto";
import { readFileSync } from "node:fs";
import path from "node:path";
import { type Browser, test as base, expect, type Page, type Request } from "@playwright/test";
import postgres from "postgres";

/** The e2e server's DATA_DIR, where the launcher keeps its embedded cluster. */
const dataDir = process.env.E2E_DATA_DIR ?? ".data/e2e";

function e2eDatabaseUrl(): string {
  // postmaster.pid's fourth line is the port the cluster listens on.
  const pid = readFileSync(path.join(dataDir, "pg", "postmaster.pid"), "utf8").split("\n");
  return `postgres://disburse:disburse-local@127.0.0.1:${pid[3]?.trim()}/disburse`;
}

export type Email = {
  to: string;
  subject: string;
  text: string;
  kind: string;
  subject_ref: string | null;
};

export const test = base.extend<{ mailbox: Mailbox }>({
  // biome-ignore lint/correctness/noEmptyPattern: Playwright fixtures take their dependencies by destructuring
  mailbox: async ({}, use) => {
    const sql = postgres(e2eDatabaseUrl(), { max: 2, onnotice: () => {} });
    await use(new Mailbox(sql));
    await sql.end({ timeout: 5 });
  },
});
export { expect };

/** The dev mailbox: without SMTP, every email the app sends is kept there. */
export class Mailbox {
  constructor(private readonly sql: postgres.Sql) {}

  async count(where: { to: string; kind: string; subjectRef?: string }): Promise<number> {
    const [row] = await this.sql<{ n: number }[]>`
      select count(*)::int as n from emails where "to" = ${where.to} and kind = ${where.kind}
        and (${where.subjectRef ?? null}::text is null or subject_ref = ${where.subjectRef ?? null})`;
    return row?.n ?? 0;
  }

  async latest(
    where: { to: string; kind: string; after?: Date },
    timeout = 45_000,
  ): Promise<Email> {
    let found: Email | undefined;
    await expect
      .poll(
        async () => {
          [found] = await this.sql<Email[]>`
            select "to", subject, text, kind, subject_ref from emails
            where "to" = ${where.to} and kind = ${where.kind} and created_at >= ${where.after ?? new Date(0)}
            order by created_at desc limit 1`;
          return Boolean(found);
        },
        { timeout, intervals: [250, 500, 1000] },
      )
      .toBe(true);
    return found as Email;
  }

  /** The first link in an email's text that matches `pattern`. */
  static link(email: Email, pattern: RegExp): string {
    const url = email.text.match(/https?:\/\/\S+/g)?.find((u) => pattern.test(u));
    if (!url) throw new Error(`no link matching ${pattern} in "${email.subject}"`);
    return url;
  }
}

/** A fresh address per test, so mailbox lookups never see another test's mail. */
export function freshEmail(name: string, domain = "example.com"): string {
  return `${name}.${randomUUID().slice(0, 8)}@${domain}`;
}

/** Signs in the way a person does: asks for a link, opens it from the dev mailbox. */
export async function signIn(page: Page, mailbox: Mailbox, email: string, next = "/dashboard") {
  const after = new Date(Date.now() - 1_000);
  await page.goto(`/login?callbackUrl=${encodeURIComponent(next)}`);
  await page.getByLabel("Work email").fill(email);
  await page.getByRole("button", { name: "Email me a sign-in link" }).click();
  await expect(page.getByRole("heading", { name: "Check your email" })).toBeVisible({
    timeout: 30_000,
  });
  const mail = await mailbox.latest({ to: email, kind: "sign_in", after });
  // The callback redirects to `next`; waiting for the DOM there, not for every chart's
  // script to load, is what a person waits for too.
  await page.goto(Mailbox.link(mail, /\/api\/auth\/callback\/nodemailer/), {
    waitUntil: "domcontentloaded",
  });
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
