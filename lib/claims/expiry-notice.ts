import { and, asc, desc, eq, inArray, isNotNull, ne } from "drizzle-orm";
import type { DbOrTx } from "@/db/client";
import { claimLinks, claimVerifications, organisations, payouts, recipients } from "@/db/schema";
import { type Scope, tenantWhere } from "@/db/scope";
import { type SendEmailInput, sendEmails } from "@/lib/mail";
import { formatMoney } from "@/lib/money";
import { claimExpiredEmail, emailLocale } from "./claim-emails";
import { mailBrandColumns, mailPayoutColumns, mailRecipientColumns } from "./invites";
import { claimTokenFor, claimUrl, hashClaimToken } from "./links";

/** The expired payouts among `payoutIds` the recipient is told about, each with its newest link. */
function expiredUnclaimed(db: DbOrTx, scope: Scope, payoutIds: string[]) {
  return db
    .selectDistinctOn([payouts.id], {
      payout: {
        ...mailPayoutColumns,
        reissues: payouts.reissues,
        expiresAt: payouts.expiresAt,
      },
      linkId: claimLinks.id,
      tokenHash: claimLinks.tokenHash,
      recipient: mailRecipientColumns,
      organisation: mailBrandColumns,
    })
    .from(payouts)
    .innerJoin(claimLinks, eq(claimLinks.payoutId, payouts.id))
    .innerJoin(recipients, eq(recipients.id, payouts.recipientId))
    .innerJoin(organisations, eq(organisations.id, payouts.organisationId))
    .where(
      and(
        tenantWhere(payouts, scope),
        inArray(payouts.id, payoutIds),
        eq(payouts.status, "expired"),
        ne(payouts.notify, "none"),
      ),
    )
    .orderBy(asc(payouts.id), desc(claimLinks.createdAt));
}

/** The language each payout's recipient last used on its claim page, where they opened one. */
async function usedLocales(db: DbOrTx, payoutIds: string[]): Promise<Map<string, string>> {
  const rows = await db
    .selectDistinctOn([claimLinks.payoutId], {
      payoutId: claimLinks.payoutId,
      locale: claimVerifications.locale,
    })
    .from(claimVerifications)
    .innerJoin(claimLinks, eq(claimLinks.id, claimVerifications.claimLinkId))
    .where(and(inArray(claimLinks.payoutId, payoutIds), isNotNull(claimVerifications.locale)))
    .orderBy(asc(claimLinks.payoutId), desc(claimVerifications.updatedAt));
  return new Map(rows.map((r) => [r.payoutId, r.locale as string]));
}

/**
 * Tells each recipient among `payoutIds` that their payout expired unclaimed, in their
 * language, with the link whose page asks the organisation for a new one: one email per
 * expiry (`payout-expired:{payout}:{reissues}`, so a reissued payout that expires again is
 * told again), written together as invites are. Nothing for a payout that has moved on
 * (reissued meanwhile) or whose platform delivers links itself (`notify: "none"`: it
 * hears `payout.expired`).
 */
export async function sendPayoutExpiredNotices(db: DbOrTx, scope: Scope, payoutIds: string[]) {
  if (payoutIds.length === 0) return { sent: 0, stored: 0, duplicate: 0, notNeeded: 0 };
  const rows = await expiredUnclaimed(db, scope, payoutIds);
  const locales = await usedLocales(
    db,
    rows.map((r) => r.payout.id),
  );
  const mails: SendEmailInput[] = [];
  for (const row of rows) {
    const token = claimTokenFor(row.linkId);
    // A link issued under another AUTH_SECRET cannot be re-derived: nothing to point to.
    if (hashClaimToken(token) !== row.tokenHash) continue;
    const locale = emailLocale(locales.get(row.payout.id) ?? null, row.recipient);
    mails.push({
      idempotencyKey: `payout-expired:${row.payout.id}:${row.payout.reissues}`,
      to: row.recipient.email,
      ...claimExpiredEmail({
        locale,
        brand: row.organisation,
        recipientName: row.recipient.name,
        amount: formatMoney(row.payout, locale),
        claimUrl: claimUrl(token),
        expiredAt: row.payout.expiresAt,
      }),
      kind: "payout_expired",
      organisationId: row.organisation.id,
      mode: row.payout.mode,
      subjectRef: row.payout.id,
    });
  }
  const counts = await sendEmails(mails, { db });
  return { ...counts, notNeeded: payoutIds.length - mails.length };
}
