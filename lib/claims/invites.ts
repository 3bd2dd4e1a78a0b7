import { and, asc, desc, eq, gt, inArray, isNull, type SQL, sql } from "drizzle-orm";
import type { DbOrTx } from "@/db/client";
import { batches, claimLinks, emails, organisations, payouts, recipients } from "@/db/schema";
import { type Scope, tenantWhere } from "@/db/scope";
import { claimTokenFor, claimUrl, hashClaimToken } from "@/lib/claims/links";
import { type SendEmailInput, sendEmails } from "@/lib/mail";
import { formatMoney } from "@/lib/money";
import { claimInviteEmail, emailLocale } from "./claim-emails";

/** One email per claim link: a re-issued link (which revokes the old one) is invited again. */
export function inviteKey(payoutId: string, linkId: string): string {
  return `invite:${payoutId}:${linkId}`;
}

/** The payout a claim email is about: its amount, and the mode its link belongs to. */
export const mailPayoutColumns = {
  id: payouts.id,
  amount: payouts.amount,
  currency: payouts.currency,
  mode: payouts.mode,
};

/** Who a claim email goes to and in which language, as the email builders take it. */
export const mailRecipientColumns = {
  email: recipients.email,
  name: recipients.name,
  locale: recipients.locale,
  country: recipients.country,
};

/** The paying organisation's brand a claim email carries. */
export const mailBrandColumns = {
  id: organisations.id,
  name: organisations.name,
  primaryColor: organisations.primaryColor,
  logoUrl: organisations.logoUrl,
  supportEmail: organisations.supportEmail,
  claimMessage: organisations.claimMessage,
};

/**
 * The claimable payouts matching `where`, each with its newest live link and what the
 * email needs. A payout created with `notify: "none"` is never invited: the platform
 * shows its link itself.
 */
function invitable(db: DbOrTx, scope: Scope, where: SQL[], now: Date) {
  return db
    .selectDistinctOn([payouts.id], {
      payout: mailPayoutColumns,
      linkId: claimLinks.id,
      tokenHash: claimLinks.tokenHash,
      expiresAt: claimLinks.expiresAt,
      recipient: mailRecipientColumns,
      organisation: mailBrandColumns,
      batchMessage: batches.message,
    })
    .from(payouts)
    .innerJoin(claimLinks, eq(claimLinks.payoutId, payouts.id))
    .innerJoin(recipients, eq(recipients.id, payouts.recipientId))
    .innerJoin(organisations, eq(organisations.id, payouts.organisationId))
    .leftJoin(batches, eq(batches.id, payouts.batchId))
    .where(
      and(
        tenantWhere(payouts, scope),
        eq(payouts.status, "claimable"),
        eq(payouts.notify, "email"),
        isNull(claimLinks.revokedAt),
        gt(claimLinks.expiresAt, now),
        ...where,
      ),
    )
    .orderBy(asc(payouts.id), desc(claimLinks.createdAt));
}

type Invitable = Awaited<ReturnType<typeof invitable>>[number];

function inviteFor(row: Invitable): SendEmailInput | null {
  const token = claimTokenFor(row.linkId);
  // A link issued under another AUTH_SECRET cannot be re-derived; its payout needs a new link.
  if (hashClaimToken(token) !== row.tokenHash) return null;
  // First contact: the locale the platform gave, else the country's language.
  const locale = emailLocale(null, row.recipient);
  const rendered = claimInviteEmail({
    locale,
    brand: row.organisation,
    recipientName: row.recipient.name,
    amount: formatMoney(row.payout, locale),
    claimUrl: claimUrl(token),
    expiresAt: row.expiresAt,
    message: row.batchMessage ?? row.organisation.claimMessage,
  });
  return {
    idempotencyKey: inviteKey(row.payout.id, row.linkId),
    to: row.recipient.email,
    ...rendered,
    kind: "invite",
    organisationId: row.organisation.id,
    mode: row.payout.mode,
    subjectRef: row.payout.id,
  };
}

async function send(db: DbOrTx, rows: Invitable[]) {
  const mails = rows.map(inviteFor).filter((m): m is SendEmailInput => m !== null);
  const counts = await sendEmails(mails, { db });
  return { ...counts, unlinkable: rows.length - mails.length };
}

/**
 * Emails the claim link of each claimable payout among `payoutIds`. The link's token is
 * recomputed from its id here, so no token ever sits in step state or a log; each link
 * is mailed once (`invite:{payoutId}:{linkId}`) however often this runs. Payouts that are
 * no longer claimable are skipped.
 */
export async function sendInvites(
  db: DbOrTx,
  scope: Scope,
  payoutIds: string[],
  options: { now?: Date } = {},
) {
  if (payoutIds.length === 0) return { sent: 0, stored: 0, duplicate: 0, unlinkable: 0 };
  const rows = await invitable(
    db,
    scope,
    [inArray(payouts.id, payoutIds)],
    options.now ?? new Date(),
  );
  return send(db, rows);
}

/**
 * Invites up to `limit` claimable payouts of a campaign whose live link has not been
 * mailed yet, oldest first. Called until it returns 0, it invites the whole campaign,
 * and a repeat after a crash picks up exactly where the last one stopped. `after` (the
 * `last` of the previous call) skips the payouts already looked at, so a campaign's
 * fan-out reads each payout once instead of every invited one again on each call.
 */
export async function sendMissingBatchInvites(
  db: DbOrTx,
  scope: Scope,
  batchId: string,
  options: { limit?: number; now?: Date; after?: string | null } = {},
): Promise<{ invited: number; examined: number; last: string | null }> {
  const rows = await invitable(
    db,
    scope,
    [
      eq(payouts.batchId, batchId),
      ...(options.after ? [gt(payouts.id, options.after)] : []),
      sql`not exists (select 1 from ${emails} where ${emails.idempotencyKey} = 'invite:' || ${payouts.id} || ':' || ${claimLinks.id})`,
    ],
    options.now ?? new Date(),
  ).limit(options.limit ?? 1_000);
  const counts = await send(db, rows);
  return {
    invited: counts.sent + counts.stored,
    examined: rows.length,
    last: rows.at(-1)?.payout.id ?? options.after ?? null,
  };
}
