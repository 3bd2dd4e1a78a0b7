import { createHmac, randomInt, timingSafeEqual } from "node:crypto";
import { and, desc, eq, isNotNull, sql } from "drizzle-orm";
import type { DbOrTx } from "@/db/client";
import { claimLinks, claimVerifications } from "@/db/schema";
import { inTransaction } from "@/db/transaction";
import { config } from "@/lib/config";
import { isEmailRecorded } from "@/lib/mail";
import { type ClaimLinkOwner, recordClaimActivity } from "./claim-activity";
import { consumeRateLimits, ipKey, pruneRateLimits } from "./rate-limit";

export const CODE_TTL_SECONDS = 10 * 60;
export const RESEND_COOLDOWN_SECONDS = 30;
export const MAX_FAILED_ATTEMPTS = 5;

const HOUR = 3600;
/**
 * Code sends and checks, counted per link and IP together (what one visitor can do to one
 * link), per link (so a recipient's inbox cannot be flooded from many addresses), and per
 * IP across links with a wide budget: an office or a mobile carrier puts many recipients
 * behind one address, and one of them asking often must not lock out the others. The
 * per-link guess limit is the lock; the per-IP ones only slow down a sweep across links.
 */
export const rateLimits = {
  sendsPerLinkAndIp: { limit: 5, windowSeconds: HOUR },
  sendsPerLink: { limit: 10, windowSeconds: HOUR },
  sendsPerIp: { limit: 200, windowSeconds: HOUR },
  checksPerLinkAndIp: { limit: 10, windowSeconds: 15 * 60 },
  checksPerIp: { limit: 300, windowSeconds: 15 * 60 },
} as const;

export type CodeRequestOutcome =
  | { status: "sent"; code: string; expiresAt: Date; resendAt: Date }
  | { status: "cooldown"; retryAfterSeconds: number }
  | { status: "rate_limited"; retryAfterSeconds: number }
  | { status: "locked" };

export type CodeCheckOutcome =
  | { status: "verified" }
  | { status: "invalid"; attemptsLeft: number }
  | { status: "rate_limited"; retryAfterSeconds: number }
  | { status: "locked" };

/** Emails a freshly issued code, in the transaction that issues it (see `requestClaimCode`). */
export type DeliverCode = (
  tx: DbOrTx,
  mail: { code: string; expiresAt: Date; idempotencyKey: string },
) => Promise<void>;

/** The code email's key: one email per issued code, so a retried delivery never mails twice. */
export function claimCodeEmailKey(claimLinkId: string, expiresAt: Date): string {
  return `claim-code:${claimLinkId}:${expiresAt.getTime()}`;
}

function serverSecret(): string {
  const secret = config().AUTH_SECRET;
  if (!secret) throw new Error("AUTH_SECRET is not set; claim codes cannot be hashed");
  return secret;
}

/**
 * Six digits are easy to enumerate, so a plain hash would fall to anyone holding a
 * copy of the table; keyed with the server secret and the link id, it does not.
 */
function hashCode(claimLinkId: string, code: string): Buffer {
  return createHmac("sha256", serverSecret()).update(`${claimLinkId}:${code}`).digest();
}

export function generateCode(): string {
  return randomInt(0, 1_000_000).toString().padStart(6, "0");
}

export function isWellFormedCode(code: string): boolean {
  return /^\d{6}$/.test(code);
}

function secondsUntil(at: Date, now: Date): number {
  return Math.max(1, Math.ceil((at.getTime() - now.getTime()) / 1000));
}

/**
 * Issues a fresh code for a claim link and emails it through `deliver`. A new code
 * replaces the old one; the failed-attempt count carries over.
 *
 * The cooldown exists because an email went out, so a code and the record of its email
 * commit together: `deliver` runs inside this transaction, under the link's row lock. A
 * crash or a failed send before the commit leaves neither (the recipient may ask again
 * at once, and a code that did reach them never verifies), and a code that somehow has
 * no recorded email (one issued before this rule) imposes no cooldown either.
 */
export async function requestClaimCode(
  db: DbOrTx,
  input: { claimLinkId: string; ip: string; deliver: DeliverCode; now?: Date },
): Promise<CodeRequestOutcome> {
  const now = input.now ?? new Date();
  return inTransaction(db, async (tx) => {
    await tx
      .insert(claimVerifications)
      .values({ claimLinkId: input.claimLinkId })
      .onConflictDoNothing();
    // The row lock serialises concurrent requests for one link, so the cooldown holds.
    const [state] = await tx
      .select()
      .from(claimVerifications)
      .where(eq(claimVerifications.claimLinkId, input.claimLinkId))
      .for("update");
    if (!state) throw new Error(`claim verification row for ${input.claimLinkId} vanished`);
    if (state.lockedAt) return { status: "locked" };
    if (state.lastSentAt) {
      const resendAt = new Date(state.lastSentAt.getTime() + RESEND_COOLDOWN_SECONDS * 1000);
      // A code already used or cleared (no expiry left) was received: the cooldown holds.
      const emailed = (expiresAt: Date | null) =>
        expiresAt === null || isEmailRecorded(tx, claimCodeEmailKey(input.claimLinkId, expiresAt));
      if (resendAt > now && (await emailed(state.codeExpiresAt)))
        return { status: "cooldown", retryAfterSeconds: secondsUntil(resendAt, now) };
    }
    const limited = await consumeRateLimits(
      tx,
      [
        {
          key: `code-send:link-ip:${input.claimLinkId}:${ipKey(input.ip)}`,
          ...rateLimits.sendsPerLinkAndIp,
        },
        { key: `code-send:link:${input.claimLinkId}`, ...rateLimits.sendsPerLink },
        { key: `code-send:ip:${ipKey(input.ip)}`, ...rateLimits.sendsPerIp },
      ],
      now,
    );
    if (!limited.allowed)
      return { status: "rate_limited", retryAfterSeconds: limited.retryAfterSeconds };
    await pruneRateLimits(tx, new Date(now.getTime() - 24 * HOUR * 1000));

    const code = generateCode();
    const expiresAt = new Date(now.getTime() + CODE_TTL_SECONDS * 1000);
    await tx
      .update(claimVerifications)
      .set({
        codeHash: hashCode(input.claimLinkId, code).toString("hex"),
        codeExpiresAt: expiresAt,
        lastSentAt: now,
        updatedAt: now,
      })
      .where(eq(claimVerifications.claimLinkId, input.claimLinkId));
    await input.deliver(tx, {
      code,
      expiresAt,
      idempotencyKey: claimCodeEmailKey(input.claimLinkId, expiresAt),
    });
    return {
      status: "sent",
      code,
      expiresAt,
      resendAt: new Date(now.getTime() + RESEND_COOLDOWN_SECONDS * 1000),
    };
  });
}

/**
 * Checks a code. Wrong, expired, used and never-sent codes all answer the same
 * "invalid", so a guesser learns nothing but the attempts left; the fifth miss locks
 * the link. A correct code is consumed. With `owner`, each miss and the lock are filed
 * in the same transaction for the payout's timeline (lib/claims/claim-activity.ts).
 */
export async function checkClaimCode(
  db: DbOrTx,
  input: { claimLinkId: string; code: string; ip: string; now?: Date; owner?: ClaimLinkOwner },
): Promise<CodeCheckOutcome> {
  const now = input.now ?? new Date();
  return inTransaction(db, async (tx) => {
    await tx
      .insert(claimVerifications)
      .values({ claimLinkId: input.claimLinkId })
      .onConflictDoNothing();
    const [state] = await tx
      .select()
      .from(claimVerifications)
      .where(eq(claimVerifications.claimLinkId, input.claimLinkId))
      .for("update");
    if (!state) throw new Error(`claim verification row for ${input.claimLinkId} vanished`);
    if (state.lockedAt) return { status: "locked" };
    const limited = await consumeRateLimits(
      tx,
      [
        {
          key: `code-check:link-ip:${input.claimLinkId}:${ipKey(input.ip)}`,
          ...rateLimits.checksPerLinkAndIp,
        },
        { key: `code-check:ip:${ipKey(input.ip)}`, ...rateLimits.checksPerIp },
      ],
      now,
    );
    if (!limited.allowed)
      return { status: "rate_limited", retryAfterSeconds: limited.retryAfterSeconds };

    const expected = state.codeHash ? Buffer.from(state.codeHash, "hex") : null;
    const given = hashCode(input.claimLinkId, isWellFormedCode(input.code) ? input.code : "");
    const live = state.codeExpiresAt !== null && state.codeExpiresAt > now;
    const matches =
      expected !== null && expected.length === given.length && timingSafeEqual(expected, given);
    if (matches && live) {
      await tx
        .update(claimVerifications)
        .set({ codeHash: null, codeExpiresAt: null, verifiedAt: now, updatedAt: now })
        .where(eq(claimVerifications.claimLinkId, input.claimLinkId));
      return { status: "verified" };
    }
    const failedAttempts = state.failedAttempts + 1;
    const locks = failedAttempts >= MAX_FAILED_ATTEMPTS;
    await tx
      .update(claimVerifications)
      .set({
        failedAttempts: sql`${claimVerifications.failedAttempts} + 1`,
        lockedAt: locks ? now : null,
        ...(locks ? { codeHash: null, codeExpiresAt: null } : {}),
        updatedAt: now,
      })
      .where(eq(claimVerifications.claimLinkId, input.claimLinkId));
    if (input.owner) {
      await recordClaimActivity(tx, input.owner, "wrong_code", now);
      if (locks) await recordClaimActivity(tx, input.owner, "locked", now);
    }
    return locks
      ? { status: "locked" }
      : { status: "invalid", attemptsLeft: MAX_FAILED_ATTEMPTS - failedAttempts };
  });
}

/** Whether the link is locked, so its page can say so before anyone types a code. */
export async function isClaimLinkLocked(db: DbOrTx, claimLinkId: string): Promise<boolean> {
  const [state] = await db
    .select({ lockedAt: claimVerifications.lockedAt })
    .from(claimVerifications)
    .where(eq(claimVerifications.claimLinkId, claimLinkId));
  return Boolean(state?.lockedAt);
}

/** A link's code state: locked or not, and the code the recipient may be holding. */
export async function claimCodeState(
  db: DbOrTx,
  claimLinkId: string,
): Promise<Pick<
  typeof claimVerifications.$inferSelect,
  "lockedAt" | "codeExpiresAt" | "lastSentAt" | "failedAttempts"
> | null> {
  const [state] = await db
    .select({
      lockedAt: claimVerifications.lockedAt,
      codeExpiresAt: claimVerifications.codeExpiresAt,
      lastSentAt: claimVerifications.lastSentAt,
      failedAttempts: claimVerifications.failedAttempts,
    })
    .from(claimVerifications)
    .where(eq(claimVerifications.claimLinkId, claimLinkId));
  return state ?? null;
}

/** Remembers the locale (`es-US`) the recipient reads the claim pages in, for later emails. */
export async function rememberClaimLocale(
  db: DbOrTx,
  claimLinkId: string,
  locale: string,
): Promise<void> {
  await db
    .insert(claimVerifications)
    .values({ claimLinkId, locale })
    .onConflictDoUpdate({
      target: claimVerifications.claimLinkId,
      set: { locale, updatedAt: new Date() },
    });
}

/** The language the recipient last used on any of the payout's claim links, if known. */
export async function claimLocaleOfPayout(db: DbOrTx, payoutId: string): Promise<string | null> {
  const [row] = await db
    .select({ locale: claimVerifications.locale })
    .from(claimVerifications)
    .innerJoin(claimLinks, eq(claimLinks.id, claimVerifications.claimLinkId))
    .where(and(eq(claimLinks.payoutId, payoutId), isNotNull(claimVerifications.locale)))
    .orderBy(desc(claimVerifications.updatedAt))
    .limit(1);
  return row?.locale ?? null;
}
