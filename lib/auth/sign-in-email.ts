import { createHash } from "node:crypto";
import { config } from "@/lib/config";
import { AppError } from "@/lib/errors";
import { sendEmail } from "@/lib/mail";
import { formatDate, renderEmail } from "@/lib/mail/templates/layout";

const brand = { name: "Disburse", primaryColor: "#4f46e5" };

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
  const rendered = renderEmail(brand, "Your Disburse sign-in link", [
    { kind: "paragraph", text: "Hi," },
    { kind: "paragraph", text: "Use this link to sign in to the Disburse dashboard." },
    { kind: "button", label: "Sign in to Disburse", url: params.url },
    {
      kind: "small",
      text: `The link works once, until ${formatDate(params.expires)} (UTC). If you did not ask for it, ignore this email: nobody can sign in without it.`,
    },
  ]);
  // Each request carries a fresh token, so the link itself keys the message: a retried
  // send of the same request is one email, a new request is another.
  const key = createHash("sha256").update(params.url).digest("hex");
  await sendEmail({
    idempotencyKey: `sign-in:${key}`,
    to: params.to,
    kind: "sign_in",
    mailboxGrant: params.mailboxGrant,
    ...rendered,
  });
}
