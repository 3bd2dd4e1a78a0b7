import NextAuth, { type NextAuthConfig } from "next-auth";
import GitHub from "next-auth/providers/github";
import Google from "next-auth/providers/google";
import Nodemailer from "next-auth/providers/nodemailer";
import { authAdapter } from "@/lib/auth/adapter";
import { sendSignInEmail } from "@/lib/auth/sign-in-email";
import { config } from "@/lib/config";
import { mailboxGrant } from "./login/mailbox-grant";

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

// The configuration is built per request, not at import, so `next build` needs neither
// a database nor secrets.
export const { handlers, auth, signIn, signOut } = NextAuth((): NextAuthConfig => {
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
