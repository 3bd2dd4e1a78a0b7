import { sql } from "drizzle-orm";
import { z } from "zod";
import type { DbOrTx } from "@/db/client";
import { emails } from "@/db/schema";
import { config } from "@/lib/config";
import { open, seal } from "@/lib/crypto/secret-box";

/**
 * How long the dev mailbox keeps a mail's subject and bodies: long enough to open a
 * sign-in link or read a code, short enough that a copy of the table holds little.
 */
export const MAIL_CONTENT_RETENTION_HOURS = 24;

/** What stands for a one-time code in a subject kept at rest. */
export const MASK = "••••••";

const contentSchema = z.object({
  subject: z.string(),
  text: z.string(),
  html: z.string().nullable(),
});

/** A mail as it was sent: the real subject (codes unmasked) and both bodies. */
export type EmailContent = z.infer<typeof contentSchema>;

// The row id is the associated data: content copied onto another row does not open there.
const sealContext = (emailId: string) => `email:${emailId}`;

/**
 * Only the dev mailbox needs a mail's content after it is written, and only when mail
 * stays on this machine: `DEV_MAILBOX` on and no SMTP. Live mode never qualifies (it is
 * refused without SMTP), and mail that left over SMTP is kept as metadata alone.
 */
export function devMailboxKeepsContent(): boolean {
  const c = config();
  return c.DEV_MAILBOX && !c.SMTP_URL;
}

export function sealContent(emailId: string, content: EmailContent): string {
  return seal(JSON.stringify(content), sealContext(emailId));
}

/**
 * Opens a mail's sealed content: the one way to read what a mail said. Null when none
 * was kept (sent over SMTP, live mode, dev mailbox off) or it was purged.
 */
export function openEmail(
  row: { id: string; content: string | null } | undefined,
): EmailContent | null {
  if (!row?.content) return null;
  return contentSchema.parse(JSON.parse(open(row.content, sealContext(row.id))));
}

/** The subject as kept at rest: every secret it carries (a one-time code) masked. */
export function subjectAtRest(subject: string, secrets: readonly string[] = []): string {
  return secrets.reduce((s, secret) => (secret ? s.split(secret).join(MASK) : s), subject);
}

/**
 * Drops the content of mail older than the retention, a bounded batch per call; the
 * metadata stays for timelines and dedup. Returns how many rows lost their content.
 */
export async function purgeMailContent(
  db: DbOrTx,
  { now = new Date(), limit = 10_000 }: { now?: Date; limit?: number } = {},
): Promise<number> {
  const cutoff = new Date(now.getTime() - MAIL_CONTENT_RETENTION_HOURS * 3_600_000);
  const purged = await db.execute<{ n: number }>(sql`
    with doomed as (
      select ${emails.id} from ${emails}
      where ${emails.content} is not null
        and ${emails.createdAt} < ${cutoff.toISOString()}::timestamptz
      order by ${emails.createdAt}
      limit ${limit}
    ), purged as (
      update ${emails} set content = null, mailbox_grant = null
      where ${emails.id} in (select id from doomed) returning 1
    )
    select count(*)::int as n from purged`);
  return purged[0]?.n ?? 0;
}
