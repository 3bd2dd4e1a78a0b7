import { and, desc, eq, isNull, lt, ne, or, type SQL } from "drizzle-orm";
import type { DbOrTx } from "@/db/client";
import { emails } from "@/db/schema";
import type { EmailRow } from "./send-email";

/** Live-mode mail carries real people's payments: the dev mailbox never shows it. */
const notLive: SQL = or(isNull(emails.mode), ne(emails.mode, "live")) as SQL;

/** The dev mailbox, newest first; `before` (an email id) continues with older mail. */
export async function listMailbox(
  db: DbOrTx,
  params: { limit: number; before?: string; to?: string },
): Promise<{ data: EmailRow[]; hasMore: boolean }> {
  const conditions: SQL[] = [notLive];
  if (params.before) conditions.push(lt(emails.id, params.before));
  if (params.to) conditions.push(eq(emails.to, params.to));
  const rows = await db
    .select()
    .from(emails)
    .where(and(...conditions))
    .orderBy(desc(emails.id))
    .limit(params.limit + 1);
  return { data: rows.slice(0, params.limit), hasMore: rows.length > params.limit };
}

export async function getMailboxEmail(db: DbOrTx, id: string): Promise<EmailRow | null> {
  const [row] = await db
    .select()
    .from(emails)
    .where(and(eq(emails.id, id), notLive));
  return row ?? null;
}
