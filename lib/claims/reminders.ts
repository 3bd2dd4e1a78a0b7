import { and, asc, desc, eq, gt, isNull, type SQL, sql } from "drizzle-orm";
import type { DbOrTx } from "@/db/client";
import {
  claimLinks,
  claimVerifications,
  emails,
  organisations,
  payouts,
  recipients,
} from "@/db/schema";
import { type Scope, tenantWhere } from "@/db/scope";
import { claimTokenFor, claimUrl, hashClaimToken } from "@/lib/claims/links";
import { type SendEmailInput, sendEmails } from "@/lib/mail";
import { formatMoney } from "@/lib/money";
import { advancedClocks, onRealTime } from "@/lib/test-mode/clock";
import { claimReminderEmail, emailLocale } from "./claim-emails";
import { mailPayoutColumns, mailRecipientColumns } from "./invites";

const DAY_MS = 86_400_000;

/**
 * Reminders go out this many days before a link expires. A link younger than the window
 * when the window opens (a 5-day link and the 7-day reminder) skips that reminder, and
 * when a sweep finds several windows open only the nearest is sent.
 */
export const REMINDER_DAYS = [7, 1] as const;

export function reminderKey(payoutId: string, linkId: string, days: number): string {
  return `reminder:${payoutId}:${linkId}:${days}d`;
}

/**
 * Per clock (`real`, or an organisation and mode whose test clock runs ahead) and reminder
 * window, the last payout a sweep looked at: where its next call goes on.
 */
export type ReminderCursor = Partial<Record<string, string>>;

/**
 * Sends the reminders that are due at `now`, across organisations, up to `limit`, and
 * returns how many. Each reminder is keyed by payout, link and window, so the hourly
 * sweep can run as often as it likes and a recipient gets each reminder once. An
 * organisation whose test clock runs ahead is reminded at its clock's time. Payouts
 * whose platform delivers the link (`notify: "none"`) get no reminders. `after` (the
 * `after` of the previous call) skips the payouts already looked at, per clock and
 * window: when a campaign's 100,000 links open their window together, each call reads
 * the next ones instead of every reminded payout again.
 */
export async function sendDueReminders(
  db: DbOrTx,
  options: { now?: Date; limit?: number; after?: ReminderCursor } = {},
): Promise<{ reminded: number; after: ReminderCursor }> {
  const real = options.now ?? new Date();
  const limit = options.limit ?? 500;
  let reminded = 0;
  const after: ReminderCursor = { ...options.after };
  for (const clock of await advancedClocks(db, real)) {
    if (reminded >= limit) break;
    const where = [tenantWhere(payouts, clock.scope)];
    const clockKey = `${clock.scope.organisationId}:${clock.scope.mode}`;
    reminded += await remind(db, where, clock.now, limit - reminded, after, clockKey);
  }
  if (reminded < limit) {
    reminded += await remind(db, [onRealTime(payouts)], real, limit - reminded, after, "real");
  }
  return { reminded, after };
}

/** The reminders of one organisation and mode due at `now` (its clock's time). */
export async function sendScopeReminders(db: DbOrTx, scope: Scope, now: Date, limit = 500) {
  return { reminded: await remind(db, [tenantWhere(payouts, scope)], now, limit, {}, "scope") };
}

/** Sends up to `limit` reminders and moves `after[clock/window]` past the payouts it read. */
async function remind(
  db: DbOrTx,
  where: SQL[],
  now: Date,
  limit: number,
  after: ReminderCursor,
  clock: string,
): Promise<number> {
  let reminded = 0;
  // Nearest window first: a payout due for its 1-day reminder never also gets the 7-day one.
  const windows = [...REMINDER_DAYS].sort((a, b) => a - b);
  for (const [i, days] of windows.entries()) {
    const opensAt = sql`${claimLinks.expiresAt} - make_interval(days => ${days})`;
    const nearer = windows.slice(0, i);
    const window = `${clock}/${days}d`;
    const from = after[window];
    const rows = await db
      .selectDistinctOn([payouts.id], {
        payout: { ...mailPayoutColumns, organisationId: payouts.organisationId },
        link: {
          id: claimLinks.id,
          tokenHash: claimLinks.tokenHash,
          expiresAt: claimLinks.expiresAt,
        },
        recipient: mailRecipientColumns,
        // The language the recipient read this link's pages in, if they opened it.
        usedLocale: sql<
          string | null
        >`(select ${claimVerifications.locale} from ${claimVerifications} where ${claimVerifications.claimLinkId} = ${claimLinks.id})`,
        organisation: {
          name: organisations.name,
          primaryColor: organisations.primaryColor,
          logoUrl: organisations.logoUrl,
          supportEmail: organisations.supportEmail,
        },
      })
      .from(payouts)
      .innerJoin(claimLinks, eq(claimLinks.payoutId, payouts.id))
      .innerJoin(recipients, eq(recipients.id, payouts.recipientId))
      .innerJoin(organisations, eq(organisations.id, payouts.organisationId))
      .where(
        and(
          ...where,
          eq(payouts.status, "claimable"),
          eq(payouts.notify, "email"),
          isNull(claimLinks.revokedAt),
          gt(claimLinks.expiresAt, now),
          sql`${opensAt} <= ${now.toISOString()}::timestamptz`,
          // Real time: under a test clock a link issued before an advance would otherwise
          // look younger than it is and miss its reminder.
          sql`${claimLinks.createdAt} < ${opensAt}`,
          ...(from ? [gt(payouts.id, from)] : []),
          ...[days, ...nearer].map(
            (d) =>
              sql`not exists (select 1 from ${emails} where ${emails.idempotencyKey} = 'reminder:' || ${payouts.id} || ':' || ${claimLinks.id} || ':' || ${`${d}d`})`,
          ),
        ),
      )
      .orderBy(asc(payouts.id), desc(claimLinks.createdAt))
      .limit(limit - reminded);
    const last = rows.at(-1)?.payout.id;
    if (last) after[window] = last;
    const mails = rows.flatMap((row): SendEmailInput[] => {
      const token = claimTokenFor(row.link.id);
      if (hashClaimToken(token) !== row.link.tokenHash) return [];
      const locale = emailLocale(row.usedLocale, row.recipient);
      const rendered = claimReminderEmail({
        locale,
        brand: row.organisation,
        recipientName: row.recipient.name,
        amount: formatMoney(row.payout, locale),
        claimUrl: claimUrl(token),
        expiresAt: row.link.expiresAt,
        daysLeft: Math.max(1, Math.ceil((row.link.expiresAt.getTime() - now.getTime()) / DAY_MS)),
      });
      return [
        {
          idempotencyKey: reminderKey(row.payout.id, row.link.id, days),
          to: row.recipient.email,
          ...rendered,
          kind: "reminder",
          organisationId: row.payout.organisationId,
          mode: row.payout.mode,
          subjectRef: row.payout.id,
        },
      ];
    });
    // Test-mode mail first: a live-mode refusal (no SMTP) must not hold test reminders back.
    for (const mode of ["test", "live"] as const) {
      const counts = await sendEmails(
        mails.filter((m) => m.mode === mode),
        { db },
      );
      reminded += counts.sent + counts.stored;
    }
    if (reminded >= limit) break;
  }
  return reminded;
}
