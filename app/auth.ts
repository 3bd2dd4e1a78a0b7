import NextAuth, { type NextAuthConfig } from "next-auth";
import GitHub from "next-auth/providers/github";
import Google from "next-auth/providers/google";
import Nodemailer from "next-auth/providers/nodemailer";
import { authAdapter } from "@/lib/auth/adapter";
import { sendSignInEmail } from "@/lib/auth/sign-in-email";
import { appUrl, config } from "@/lib/config";
import { mailboxGrant } from "./dev/mailbox/grant";

/** OAuth providers offered on the sign-in page: those whose credentials are configured. */
export function oauthProviders(): { id: "github" | "google"; name: string }[] {
  const c = config();
  return [
    ...(c.AUTH_GITHUB_ID && c.AUTH_GITHUB_SECRET
      ? [{ id: "github" as const, name: "GitHub" }]
      : []),
    ...(c.AUTH_GOOGLE_ID && c.AUTH_GOOGLE_SECRET
      ? [{ id: "google" as const, name: "Google" }]
      : []),
  ];
}

/**
 * Auth.js builds every URL it mails or redirects to (the magic link, OAuth redirect URIs,
 * its own redirects) from AUTH_URL when it is set, and otherwise from the request's Host
 * and X-Forwarded-* headers, which whoever sends the request chooses: a forged Host made
 * the victim's sign-in link point at the attacker. next-auth reads AUTH_URL from
 * process.env on every call (its route handlers rebase the request onto it, signIn() and
 * auth() build their URLs from it), and each call builds this configuration first, so
 * setting it here pins all of them to APP_URL whatever the deployment's environment says.
 */
function pinAuthUrlToAppUrl() {
  process.env.AUTH_URL = new URL(appUrl()).origin;
}

// The configuration is built per request, not at import, so `next build` needs neither
// a database nor secrets.
export const { handlers, auth, signIn, signOut } = NextAuth((): NextAuthConfig => {
  pinAuthUrlToAppUrl();
  const c = config();
  const providers: NextAuthConfig["providers"] = [
    Nodemailer({
      // The server is never dialled: sendVerificationRequest goes through lib/mail,
      // which picks SMTP or the dev mailbox.
      server: c.SMTP_URL ?? "smtp://localhost:25",
      from: c.MAIL_FROM,
      maxAge: 60 * 60,
      sendVerificationRequest: async ({ identifier, url, expires }) =>
        sendSignInEmail({ to: identifier, url, expires, mailboxGrant: await mailboxGrant() }),
    }),
  ];
  if (c.AUTH_GITHUB_ID && c.AUTH_GITHUB_SECRET) {
    providers.push(GitHub({ clientId: c.AUTH_GITHUB_ID, clientSecret: c.AUTH_GITHUB_SECRET }));
  }
  if (c.AUTH_GOOGLE_ID && c.AUTH_GOOGLE_SECRET) {
    providers.push(Google({ clientId: c.AUTH_GOOGLE_ID, clientSecret: c.AUTH_GOOGLE_SECRET }));
  }
  return {
    adapter: authAdapter(),
    session: { strategy: "database", maxAge: 7 * 24 * 60 * 60, updateAge: 60 * 60 },
    providers,
    secret: c.AUTH_SECRET,
    // The request's host is never used (AUTH_URL above), so there is nothing to distrust.
    trustHost: true,
    pages: { signIn: "/login", verifyRequest: "/login/check-email", error: "/login" },
    callbacks: {
      session({ session, user }) {
        session.user.id = user.id;
        return session;
      },
    },
  };
});
