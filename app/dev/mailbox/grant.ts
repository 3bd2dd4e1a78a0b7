import { cookies } from "next/headers";
import { appUrl } from "@/lib/config";
import { devMailboxKeepsContent, MAIL_CONTENT_RETENTION_HOURS } from "@/lib/mail/content";
import { hashMailboxGrant, MAILBOX_GRANT_COOKIE, newMailboxGrant } from "@/lib/mail/mailbox";

/**
 * The hash of this browser's dev-mailbox grant, setting the cookie first if it has none,
 * for a sign-in mail or a test-mode claim code to be readable by the browser that asked
 * for it, and by no other (lib/mail/mailbox.ts).
 * Undefined whenever the dev mailbox keeps no mail: then no cookie is set at all.
 */
export async function mailboxGrant(): Promise<string | undefined> {
  if (!devMailboxKeepsContent()) return undefined;
  const jar = await cookies();
  let grant = jar.get(MAILBOX_GRANT_COOKIE)?.value;
  if (!grant) {
    grant = newMailboxGrant();
    jar.set(MAILBOX_GRANT_COOKIE, grant, {
      httpOnly: true,
      sameSite: "lax",
      secure: appUrl().startsWith("https://"),
      path: "/",
      // As long as the mailbox keeps what the grant opens.
      maxAge: MAIL_CONTENT_RETENTION_HOURS * 3600,
    });
  }
  return hashMailboxGrant(grant);
}
