import { eq } from "drizzle-orm";
import { NextRequest } from "next/server";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { GET, POST } from "@/app/api/auth/[...nextauth]/route";
import { db } from "@/db/client";
import { verificationTokens } from "@/db/schema";
import { sendSignInEmail } from "@/lib/auth/sign-in-email";
import { appUrl } from "@/lib/config";
import { startTestSmtpServer } from "@/tests/fixtures/smtp-server";

/*
 * The real Auth.js route handler, fed requests the way a server in front of it would pass
 * them on, with every mail leaving over SMTP to a local server: what the victim would
 * receive is what these tests read.
 */

const APP = "https://pay.example.com";
let smtp: Awaited<ReturnType<typeof startTestSmtpServer>>;

beforeAll(async () => {
  smtp = await startTestSmtpServer();
  // Read once by config(); nothing in this file has asked for it yet.
  process.env.APP_URL = APP;
  process.env.SMTP_URL = smtp.url;
  process.env.AUTH_SECRET = "a-test-secret-of-at-least-thirty-two-characters";
  expect(appUrl()).toBe(APP);
});
afterAll(async () => {
  await smtp.close();
});

/** The mail to `to`, with quoted-printable undone, and every absolute URL in it. */
function mailTo(to: string) {
  const mails = smtp.received.filter((m) => m.to.includes(`<${to}>`));
  return mails.map((m) => {
    const text = m.data
      .replace(/=\r\n/g, "")
      .replace(/=([0-9A-F]{2})/g, (_, hex: string) => String.fromCharCode(Number.parseInt(hex, 16)))
      .replaceAll("&amp;", "&");
    return { text, urls: text.match(/https?:\/\/[^\s"<>]+/g) ?? [] };
  });
}

type Sender = { url: string; host: string; origin?: string; forwardedHost?: string };

function headersOf(sender: Sender, extra: Record<string, string> = {}) {
  return {
    host: sender.host,
    ...(sender.origin ? { origin: sender.origin } : {}),
    ...(sender.forwardedHost ? { "x-forwarded-host": sender.forwardedHost } : {}),
    ...extra,
  };
}

/** Asks Auth.js for a magic link the way its own sign-in form would: CSRF token first. */
async function requestMagicLink(sender: Sender, email: string) {
  const csrf = await GET(
    new NextRequest(`${sender.url}/api/auth/csrf`, { headers: headersOf(sender) }),
  );
  const { csrfToken } = (await csrf.json()) as { csrfToken: string };
  const cookie = csrf.headers
    .getSetCookie()
    .map((c) => c.split(";")[0])
    .join("; ");
  return POST(
    new NextRequest(`${sender.url}/api/auth/signin/nodemailer`, {
      method: "POST",
      headers: headersOf(sender, {
        cookie,
        "content-type": "application/x-www-form-urlencoded",
      }),
      body: new URLSearchParams({ email, csrfToken, callbackUrl: "/dashboard" }),
    }),
  );
}

async function tokensFor(email: string) {
  return db.select().from(verificationTokens).where(eq(verificationTokens.identifier, email));
}

describe("sign-in links and a forged Host", () => {
  it("refuses to start a sign-in for a request addressed to another host, and mails nothing", async () => {
    const victim = "victim.forged@example.com";
    const response = await requestMagicLink(
      {
        url: "http://attacker.example",
        host: "attacker.example",
        origin: "http://attacker.example",
      },
      victim,
    );
    expect(response.status).toBe(403);
    expect(mailTo(victim)).toEqual([]);
    expect(await tokensFor(victim)).toEqual([]);
  });

  it("refuses a forged Host even when the Origin names APP_URL", async () => {
    const victim = "victim.half-forged@example.com";
    for (const sender of [
      { url: "http://attacker.example", host: "attacker.example", origin: APP },
      { url: APP, host: "pay.example.com", forwardedHost: "attacker.example", origin: APP },
      { url: APP, host: "pay.example.com" },
    ]) {
      const response = await requestMagicLink(sender, victim);
      expect(response.status, JSON.stringify(sender)).toBe(403);
    }
    expect(mailTo(victim)).toEqual([]);
    expect(await tokensFor(victim)).toEqual([]);
  });

  it("builds every URL of a genuine sign-in on APP_URL, not on the URL the server saw", async () => {
    const person = "grace.genuine@example.com";
    // Behind a TLS-terminating proxy the app sees plain http on its internal address.
    const response = await requestMagicLink(
      {
        url: "http://10.0.0.7:3000",
        host: "10.0.0.7:3000",
        forwardedHost: "pay.example.com",
        origin: APP,
      },
      person,
    );
    expect(response.status).toBe(302);
    expect(new URL(response.headers.get("location") ?? "").origin).toBe(APP);

    const [mail] = mailTo(person);
    expect(mail?.urls.length).toBeGreaterThan(0);
    for (const url of mail?.urls ?? []) expect(new URL(url).origin, url).toBe(APP);
    const link = mail?.urls.find((u) => u.includes("/api/auth/callback/nodemailer")) ?? "";
    expect(new URL(link).searchParams.get("callbackUrl")).toBe(`${APP}/dashboard`);
    expect(await tokensFor(person)).toHaveLength(1);

    // The link signs the person in on APP_URL and returns to the dashboard there.
    const callback = await GET(new NextRequest(link, { headers: { host: "pay.example.com" } }));
    expect(callback.status).toBe(302);
    expect(callback.headers.get("location")).toBe(`${APP}/dashboard`);
    expect(callback.headers.getSetCookie().join("\n")).toMatch(/__Secure-authjs\.session-token=/);
  });

  it("mails a link on APP_URL even when handed one on another host", async () => {
    const person = "grace.rebased@example.com";
    await sendSignInEmail({
      to: person,
      url: "http://attacker.example//evil.example/api/auth/callback/nodemailer?callbackUrl=http%3A%2F%2Fattacker.example%2Fdashboard&token=t0k&email=grace",
      expires: new Date(Date.now() + 3_600_000),
    });
    const [mail] = mailTo(person);
    const link = mail?.urls.find((u) => u.includes("/api/auth/callback/nodemailer")) ?? "";
    expect(link).toBe(
      `${APP}/evil.example/api/auth/callback/nodemailer?callbackUrl=https%3A%2F%2Fpay.example.com%2Fdashboard&token=t0k&email=grace`,
    );
    expect(mail?.text).not.toContain("attacker.example");
  });
});
