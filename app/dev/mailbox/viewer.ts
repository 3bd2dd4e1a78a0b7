import { cookies } from "next/headers";
import { auth } from "@/app/auth";
import { db } from "@/db/client";
import { MAILBOX_GRANT_COOKIE, type MailboxViewer, mailboxViewer } from "@/lib/mail/mailbox";

/** Who reads the dev mailbox in this request: the signed-in user and this browser's grant. */
export async function currentMailboxViewer(): Promise<MailboxViewer> {
  const session = await auth();
  return mailboxViewer(db, {
    userId: session?.user?.id,
    grantCookie: (await cookies()).get(MAILBOX_GRANT_COOKIE)?.value,
  });
}
