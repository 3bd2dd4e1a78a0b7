import { readFileSync } from "node:fs";
import http from "node:http";
import path from "node:path";
import { mergeTests, type Page } from "@playwright/test";
import { openEmail } from "@/lib/mail/content";
import { e2eDataDir } from "@/playwright.config";
import { test as claimTest } from "./claim/support";
import {
  campaignCsv,
  captureServerAction,
  test as dashboardTest,
  expect,
  freshEmail,
  signIn,
} from "./dashboard/support";
import { demoCredentials } from "./demo";

/*
 * The production build, attacked the way issue 21 found it open: requests sent with
 * headers a browser would never send, straight to the server.
 */
const test = mergeTests(claimTest, dashboardTest);

const ATTACKER = "attacker.example";

/** A request with exactly these headers, Host included, which browsers and fetch forbid. */
function rawRequest(
  baseURL: string,
  request: { method: string; path: string; headers: Record<string, string>; body?: string },
): Promise<{ status: number; headers: http.IncomingHttpHeaders; text: string }> {
  const body = request.body ?? "";
  return new Promise((resolve, reject) => {
    const sent = http.request(
      {
        host: "127.0.0.1",
        port: new URL(baseURL).port,
        path: request.path,
        method: request.method,
        headers: {
          ...request.headers,
          "accept-encoding": "identity",
          "content-length": String(Buffer.byteLength(body)),
        },
      },
      (response) => {
        let text = "";
        response.setEncoding("utf8");
        response.on("data", (chunk: string) => {
          text += chunk;
        });
        response.on("end", () =>
          resolve({ status: response.statusCode ?? 0, headers: response.headers, text }),
        );
      },
    );
    sent.on("error", reject);
    sent.end(body);
  });
}

test.describe("sign-in links come from APP_URL only", () => {
  test("the login server action sent with a forged Host and Origin is refused and mails nothing", async ({
    page,
    sql,
    baseURL,
  }) => {
    const app = baseURL as string;
    // A genuine request from the sign-in page, to learn the action's id and body.
    const decoy = freshEmail("decoy");
    await page.goto("/login");
    await page.getByLabel("Work email").fill(decoy);
    const action = await captureServerAction(page, () =>
      page.getByRole("button", { name: "Email me a sign-in link" }).click(),
    );
    await expect(page.getByRole("heading", { name: "Check your email" })).toBeVisible();

    const victim = freshEmail("victim");
    const url = new URL(action.url);
    const forgeries: Record<string, string>[] = [
      { host: ATTACKER, origin: `http://${ATTACKER}` },
      { host: ATTACKER, origin: `http://${ATTACKER}`, "x-forwarded-host": ATTACKER },
    ];
    for (const forged of forgeries) {
      const response = await rawRequest(app, {
        method: "POST",
        path: `${url.pathname}${url.search}`,
        headers: { ...action.headers, ...forged },
        body: action.body.split(decoy).join(victim),
      });
      expect(response.status, JSON.stringify(forged)).toBe(200);
      expect(response.text).toContain(`Sign-in starts only from ${app}/login; nothing was sent.`);
    }

    // Auth.js's own endpoint, asked directly with the same forgery.
    const csrf = await rawRequest(app, {
      method: "GET",
      path: "/api/auth/csrf",
      headers: { host: ATTACKER },
    });
    const cookie = (csrf.headers["set-cookie"] ?? []).map((c) => c.split(";")[0]).join("; ");
    const direct = await rawRequest(app, {
      method: "POST",
      path: "/api/auth/signin/nodemailer",
      headers: {
        host: ATTACKER,
        origin: `http://${ATTACKER}`,
        cookie,
        "content-type": "application/x-www-form-urlencoded",
      },
      body: new URLSearchParams({
        email: victim,
        csrfToken: (JSON.parse(csrf.text) as { csrfToken: string }).csrfToken,
        callbackUrl: "/dashboard",
      }).toString(),
    });
    expect(direct.status).toBe(403);

    // Nothing was mailed to the victim, no token exists for them, and no sign-in mail
    // anywhere points at the attacker's host.
    const [mails] = await sql<{ n: number }[]>`
      select count(*)::int as n from emails where "to" = ${victim}`;
    expect(mails?.n).toBe(0);
    const [tokens] = await sql<{ n: number }[]>`
      select count(*)::int as n from auth_verification_tokens where identifier = ${victim}`;
    expect(tokens?.n).toBe(0);
    // Mail bodies are sealed at rest: open every stored sign-in mail with the app's secret.
    process.env.AUTH_SECRET = readFileSync(
      path.join(e2eDataDir, "secrets", "auth-secret"),
      "utf8",
    ).trim();
    const signIns = await sql<{ id: string; content: string | null }[]>`
      select id, content from emails where kind = 'sign_in'`;
    const foreign = signIns
      .map((row) => openEmail(row))
      .filter((mail) => `${mail?.text ?? ""}${mail?.html ?? ""}`.includes(ATTACKER));
    expect(foreign).toEqual([]);
  });
});

/** The organisation the signed-in person is working in, as the team page names it. */
async function currentOrganisationId(page: Page): Promise<string> {
  await page.goto("/dashboard/team");
  return page.locator('input[name="organisationId"]').first().inputValue();
}

test("a campaign upload from another origin is refused and writes nothing; from our pages it works", async ({
  page,
  mailbox,
  sql,
  baseURL,
}) => {
  await signIn(page, mailbox, demoCredentials().adminEmail);
  const organisationId = await currentOrganisationId(page);
  const name = `Origin check ${Date.now().toString(36)}`;
  const multipart = {
    name,
    currency: "USD",
    file: {
      name: "creators.csv",
      mimeType: "text/csv",
      buffer: Buffer.from(campaignCsv(`origin${Date.now().toString(36)}`, 1, {})),
    },
  };
  const query = `?organisationId=${organisationId}`;

  // The member's cookies go along (SameSite=Lax cookies do on a top-level form post);
  // what proves the page is not ours is the Origin, or, without one, Fetch Metadata.
  const crossOrigin: Record<string, string>[] = [
    { origin: "http://evil.example" },
    { origin: "null" },
    { "sec-fetch-site": "cross-site" },
    {},
  ];
  for (const headers of crossOrigin) {
    for (const route of ["commit", "preview"]) {
      const response = await page.request.post(`/dashboard/campaigns/${route}${query}`, {
        headers,
        multipart,
      });
      expect(response.status(), `${route} ${JSON.stringify(headers)}`).toBe(403);
      expect((await response.json()).error.code).toBe("forbidden");
    }
  }
  const campaignsNamed = async () =>
    (await sql<{ n: number }[]>`select count(*)::int as n from batches where name = ${name}`)[0]?.n;
  expect(await campaignsNamed()).toBe(0);

  const preview = await page.request.post(`/dashboard/campaigns/preview${query}`, {
    headers: { origin: baseURL as string },
    multipart,
  });
  expect(preview.status()).toBe(200);
  const commit = await page.request.post(`/dashboard/campaigns/commit${query}`, {
    headers: { "sec-fetch-site": "same-origin" },
    multipart,
  });
  expect(commit.status(), await commit.text()).toBe(201);
  expect(await campaignsNamed()).toBe(1);
});

function expectPageHeaders(path: string, headers: Record<string, string>) {
  const csp = headers["content-security-policy"] ?? "";
  expect(csp, path).toMatch(/script-src 'self' 'nonce-[A-Za-z0-9+/=]{16,}' 'strict-dynamic'/);
  expect(csp, path).toContain("frame-ancestors 'none'");
  expect(csp, path).toContain("object-src 'none'");
  expect(csp, path).not.toMatch(/script-src[^;]*unsafe/);
  expect(headers["x-frame-options"], path).toBe("DENY");
  expect(headers["x-content-type-options"], path).toBe("nosniff");
  expect(headers["referrer-policy"], path).toBe("same-origin");
  // APP_URL is http here; HSTS is sent only when it is https (lib/http/security-headers.test.ts).
  expect(headers["strict-transport-security"], path).toBeUndefined();
}

test("every page is served with a nonce CSP, no framing, no sniffing and no foreign referrer", async ({
  page,
  mailbox,
  request,
}) => {
  const nonces = new Set<string>();
  for (const path of ["/", "/login", "/login/check-email", "/docs/api", "/dev/mailbox"]) {
    const response = await request.get(path);
    expect(response.status(), path).toBe(200);
    expectPageHeaders(path, response.headers());
    const nonce = response.headers()["content-security-policy"]?.match(/'nonce-([^']+)'/)?.[1];
    // The page's scripts carry this response's nonce, and no other response's.
    expect(await response.text(), path).toContain(`nonce="${nonce}"`);
    nonces.add(nonce as string);
  }
  expect(nonces.size).toBe(5);

  await signIn(page, mailbox, demoCredentials().adminEmail);
  for (const path of ["/dashboard", "/dashboard/payouts", "/dashboard/invitations/not-a-token"]) {
    const response = await page.goto(path);
    expect(response?.status(), path).toBe(200);
    expectPageHeaders(path, response?.headers() ?? {});
  }
  // The demo link redirects to a claim page, which keeps its stricter policy.
  const demo = await page.goto("/demo/claim");
  expectPageHeaders("/demo/claim", demo?.headers() ?? {});
});

test("the dashboard and the API reference work under their CSP", async ({ page, mailbox }) => {
  const violations: string[] = [];
  page.on("console", (message) => {
    if (/Content Security Policy|Refused to/i.test(message.text())) violations.push(message.text());
  });
  await signIn(page, mailbox, demoCredentials().adminEmail);
  await page.goto("/dashboard");
  await expect(page.getByRole("heading", { name: "Overview" })).toBeVisible();
  // A client-side navigation loads more of Next's chunks under the same policy.
  await page.getByRole("link", { name: "Payouts", exact: true }).first().click();
  await expect(page).toHaveURL(/\/dashboard\/payouts/);
  await expect(page.getByRole("heading", { name: "Payouts" })).toBeVisible();
  await page.goto("/dashboard");
  await page.screenshot({ path: test.info().outputPath("dashboard.png"), fullPage: true });
  // Pages that render `style` props (the brand preview) and mail bodies (the dev mailbox).
  await page.goto("/dashboard/branding");
  await expect(page.getByRole("heading", { name: "Branding" })).toBeVisible();
  await page.goto("/dev/mailbox");
  await page.getByRole("listitem").first().getByRole("link").click();
  await expect(page.getByRole("region", { name: "Plain text" })).toBeVisible();

  await page.goto("/docs/api");
  // Scalar renders the document's operations from /api/v1/openapi.json.
  await expect(page.getByRole("heading", { name: "Disburse API" })).toBeVisible({
    timeout: 30_000,
  });
  await expect(page.getByText("Create a recipient").first()).toBeVisible();
  await page.screenshot({ path: test.info().outputPath("docs-api.png") });

  await page.goto("/");
  await page.getByRole("link", { name: "API reference" }).click();
  await expect(page).toHaveURL(/\/docs\/api$/);
  expect(violations).toEqual([]);
});

test("paths with malformed percent-encoding get the not-found page, not a 500", async ({
  request,
  page,
}) => {
  const paths = [
    "/c/%ZZ",
    "/c/%ZZ/verify",
    "/c/%E0%A4%A",
    "/dashboard/payouts/%ZZ",
    "/dashboard/campaigns/%ZZ",
    "/dashboard/developers/webhooks/%ZZ",
    "/dashboard/invitations/%ZZ",
    "/dev/mailbox/%ZZ",
    "/%ZZ",
  ];
  for (const path of paths) {
    const response = await request.get(path);
    expect(response.status(), path).toBe(404);
    expectPageHeaders(path, response.headers());
  }
  const response = await page.goto("/dashboard/payouts/%ZZ");
  expect(response?.status()).toBe(404);
  await expect(page.getByText("This page could not be found.")).toBeVisible();
});
