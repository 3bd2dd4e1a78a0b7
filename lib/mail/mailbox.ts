import { createHash, randomBytes } from "node:crypto";
import { and, desc, eq, inArray, isNull, lt, ne, or, type SQL } from "drizzle-orm";
import type { DbOrTx } from "@/db/client";
import { emails, memberships, users } from "@/db/schema";
import type { EmailRow } from "./send-email";

/**
 * The dev mailbox's one anonymous way in. The first sign-in link can only be read here,
 * before anyone is signed in, so the browser that asks for one gets a random grant in
 * this cookie and the mail keeps only the grant's hash: that browser, and no other,
 * sees the link it asked for. Everything else needs a signed-in member.
 */
export const MAILBOX_GRANT_COOKIE = "dev_mailbox_grant";

export function newMailboxGrant(): string {
  return randomBytes(32).toString("base64url");
}

export function hashMailboxGrant(grant: string): string {
  return createHash("sha256").update(`mailbox-grant:${grant}`).digest("hex");
}

/** Who is reading the dev mailbox. */
export type MailboxViewer = {
  /** The hash of this browser's grant cookie, if it has one. */
  grant: string | null;
  /** The signed-in user: mail to their address, and their organisations' mail. */
  member: { email: string | null; organisationIds: string[] } | null;
};

/** Resolves the reader from the session's user id and the grant cookie, as the page has them. */
export async function mailboxViewer(
  db: DbOrTx,
  input: { userId: string | null | undefined; grantCookie: string | undefined },
): Promise<MailboxViewer> {
  const grant = input.grantCookie ? hashMailboxGrant(input.grantCookie) : null;
  if (!input.userId) return { grant, member: null };
  const [user] = await db
    .select({ email: users.email })
    .from(users)
    .where(eq(users.id, input.userId));
  if (!user) return { grant, member: null };
  const orgs = await db
    .select({ id: memberships.organisationId })
    .from(memberships)
    .where(eq(memberships.userId, input.userId));
  return { grant, member: { email: user.email, organisationIds: orgs.map((o) => o.id) } };
}

/** Live-mode mail carries real people's payments: the dev mailbox never shows it. */
const notLive: SQL = or(isNull(emails.mode), ne(emails.mode, "live")) as SQL;

/** The mail this viewer may read, or null for none at all. */
function visibleTo(viewer: MailboxViewer): SQL | null {
  const mine: SQL[] = [];
  if (viewer.grant) mine.push(eq(emails.mailboxGrant, viewer.grant));
  if (viewer.member?.email) mine.push(eq(emails.to, viewer.member.email));
  if (viewer.member?.organisationIds.length)
    mine.push(inArray(emails.organisationId, viewer.member.organisationIds));
  return mine.length ? (or(...mine) as SQL) : null;
}

/** The dev mailbox as `viewer` may see it, newest first; `before` (an email id) continues with older mail. */
export async function listMailbox(
  db: DbOrTx,
  viewer: MailboxViewer,
  params: { limit: number; before?: string; to?: string },
): Promise<{ data: EmailRow[]; hasMore: boolean }> {
  const visible = visibleTo(viewer);
  if (!visible) return { data: [], hasMore: false };
  const conditions: SQL[] = [notLive, visible];
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

/** One mail, only if `viewer` may read it; another's mail is simply not found. */
export async function getMailboxEmail(
  db: DbOrTx,
  viewer: MailboxViewer,
  id: string,
): Promise<EmailRow | null> {
  const visible = visibleTo(viewer);
  if (!visible) return null;
  const [row] = await db
    .select()
    .from(emails)
    .where(and(eq(emails.id, id), notLive, visible));
  return row ?? null;
}
