import { createHash } from "node:crypto";
import { appUrl, config } from "@/lib/config";
import { AppError } from "@/lib/errors";
import { sendEmail } from "@/lib/mail";
import { formatDate, renderEmail } from "@/lib/mail/templates/layout";

const brand = { name: "Disburse", primaryColor: "#4f46e5" };

/**
 * The link Auth.js built, on APP_URL. Auth.js builds it from APP_URL already (app/auth.ts);
 * this is the second lock: whatever host a request named, the mailed link, and the page it
 * returns to, are ours, so a token can never be mailed to a host someone else chose.
 */
export function signInLinkOnAppUrl(link: string): string {
  const origin = new URL(appUrl()).origin;
  // Path and query only; "//host" at the start of a path would name another host.
  const onApp = (href: string) => {
    const given = new URL(href, origin);
    return new URL(`${given.pathname.replace(/^\/+/, "/")}${given.search}`, origin);
  };
  const url = onApp(link);
  const callbackUrl = url.searchParams.get("callbackUrl");
  if (callbackUrl) url.searchParams.set("callbackUrl", onApp(callbackUrl).toString());
  return url.toString();
}

/**
 * Sends a magic sign-in link: over SMTP when configured, else into the dev mailbox when
 * it is switched on. With neither, the link could reach nobody, so sign-in is refused
 * with a message that says what to configure.
 */
export async function sendSignInEmail(params: {
  to: string;
  url: string;
  expires: Date;
  /** The asking browser's dev-mailbox grant (hashed), so that browser alone reads the link. */
  mailboxGrant?: string;
}) {
  const c = config();
  if (!c.SMTP_URL && !c.DEV_MAILBOX) {
    throw new AppError(
      "internal_error",
      "Email sign-in needs SMTP_URL (or DEV_MAILBOX=1 on a development machine).",
    );
  }
  const url = signInLinkOnAppUrl(params.url);
  const rendered = renderEmail(brand, "Your Disburse sign-in link", [
    { kind: "paragraph", text: "Hi," },
    { kind: "paragraph", text: "Use this link to sign in to the Disburse dashboard." },
    { kind: "button", label: "Sign in to Disburse", url },
    {
      kind: "small",
      text: `The link works once, until ${formatDate(params.expires)} (UTC). If you did not ask for it, ignore this email: nobody can sign in without it.`,
    },
  ]);
  // Each request carries a fresh token, so the link itself keys the message: a retried
  // send of the same request is one email, a new request is another.
  const key = createHash("sha256").update(url).digest("hex");
  await sendEmail({
    idempotencyKey: `sign-in:${key}`,
    to: params.to,
    kind: "sign_in",
    mailboxGrant: params.mailboxGrant,
    ...rendered,
  });
}
