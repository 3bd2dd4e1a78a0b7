import { createHash, createHmac } from "node:crypto";
import { and, desc, eq, gt, isNull } from "drizzle-orm";
import { bulkInsert, matchesAny } from "@/db/bulk";
import type { DbOrTx } from "@/db/client";
import { batches, claimLinks, type Mode, organisations, payouts, recipients } from "@/db/schema";
import { tenantWhere } from "@/db/scope";
import { appUrl, config } from "@/lib/config";
import { newIds } from "@/lib/ids";

/**
 * Claim tokens are derived, not stored: token = HMAC-SHA256(AUTH_SECRET, link id), and
 * only SHA-256(token) is kept. Whoever holds the secret (the invite and reminder email
 * steps) can recompute a link's token at any time, idempotently, while a database dump
 * alone reveals no usable link. See docs/decisions/0004-claim-tokens.md.
 */
function claimSecret(): string {
  const secret = config().AUTH_SECRET;
  if (!secret) {
    throw new Error("AUTH_SECRET is not set; claim links cannot be issued or re-sent without it");
  }
  return secret;
}

export function claimTokenFor(linkId: string): string {
  return createHmac("sha256", claimSecret()).update(`claim-link:v1:${linkId}`).digest("base64url");
}

export function hashClaimToken(token: string): string {
  return createHash("sha256").update(token).digest("hex");
}

export function claimUrl(token: string): string {
  return `${appUrl()}/c/${token}`;
}

/** 32 bytes in base64url without padding. */
const TOKEN_SHAPE = /^[A-Za-z0-9_-]{43}$/;

export type IssuedClaimLink = {
  linkId: string;
  payoutId: string;
  token: string;
  url: string;
  expiresAt: Date;
};

/**
 * Issues one link per payout. A payout has at most one live link: issuing a new one
 * revokes the previous, so a re-issued invitation kills the old email's link.
 */
export async function issueClaimLinks(
  db: DbOrTx,
  links: { payoutId: string; expiresAt: Date }[],
): Promise<IssuedClaimLink[]> {
  if (links.length === 0) return [];
  await revokeClaimLinks(
    db,
    links.map((l) => l.payoutId),
  );
  const linkIds = newIds("claimLink", links.length);
  const issued = links.map(({ payoutId, expiresAt }, i) => {
    const linkId = linkIds[i] as string;
    const token = claimTokenFor(linkId);
    return { linkId, payoutId, token, url: claimUrl(token), expiresAt };
  });
  await bulkInsert(
    db,
    claimLinks,
    issued.map((l) => ({
      id: l.linkId,
      payoutId: l.payoutId,
      tokenHash: hashClaimToken(l.token),
      expiresAt: l.expiresAt,
    })),
  );
  return issued;
}

export async function issueClaimLink(
  db: DbOrTx,
  link: { payoutId: string; expiresAt: Date },
): Promise<IssuedClaimLink> {
  const [issued] = await issueClaimLinks(db, [link]);
  return issued as IssuedClaimLink;
}

export async function revokeClaimLinks(db: DbOrTx, payoutIds: string | string[]): Promise<void> {
  const ids = typeof payoutIds === "string" ? [payoutIds] : payoutIds;
  if (ids.length === 0) return;
  await db
    .update(claimLinks)
    .set({ revokedAt: new Date() })
    .where(and(matchesAny(claimLinks.payoutId, ids), isNull(claimLinks.revokedAt)));
}

/**
 * The live link of a payout with its token recomputed, for the invite and reminder
 * emails; null when the payout has no live link (never issued, revoked or expired), or
 * when AUTH_SECRET changed since it was issued (the recomputed token would not open it).
 */
export async function liveClaimLink(
  db: DbOrTx,
  scope: { organisationId: string; mode: Mode },
  payoutId: string,
  now = new Date(),
): Promise<IssuedClaimLink | null> {
  const [link] = await db
    .select({ id: claimLinks.id, tokenHash: claimLinks.tokenHash, expiresAt: claimLinks.expiresAt })
    .from(claimLinks)
    .innerJoin(payouts, eq(payouts.id, claimLinks.payoutId))
    .where(
      and(
        eq(claimLinks.payoutId, payoutId),
        tenantWhere(payouts, scope),
        isNull(claimLinks.revokedAt),
        gt(claimLinks.expiresAt, now),
      ),
    )
    .orderBy(desc(claimLinks.createdAt))
    .limit(1);
  if (!link) return null;
  const token = claimTokenFor(link.id);
  if (hashClaimToken(token) !== link.tokenHash) return null;
  return { linkId: link.id, payoutId, token, url: claimUrl(token), expiresAt: link.expiresAt };
}

/**
 * The payout's newest link whatever its state (expired, revoked by the payout's expiry),
 * token recomputed: the expiry notice links to it, since its page is where the recipient
 * asks for a new one. Null when there is none or AUTH_SECRET changed since.
 */
export async function newestClaimLink(
  db: DbOrTx,
  scope: { organisationId: string; mode: Mode },
  payoutId: string,
): Promise<IssuedClaimLink | null> {
  const [link] = await db
    .select({ id: claimLinks.id, tokenHash: claimLinks.tokenHash, expiresAt: claimLinks.expiresAt })
    .from(claimLinks)
    .innerJoin(payouts, eq(payouts.id, claimLinks.payoutId))
    .where(and(eq(claimLinks.payoutId, payoutId), tenantWhere(payouts, scope)))
    .orderBy(desc(claimLinks.createdAt))
    .limit(1);
  if (!link) return null;
  const token = claimTokenFor(link.id);
  if (hashClaimToken(token) !== link.tokenHash) return null;
  return { linkId: link.id, payoutId, token, url: claimUrl(token), expiresAt: link.expiresAt };
}

export type ClaimContext = {
  link: { id: string; expiresAt: Date };
  payout: typeof payouts.$inferSelect;
  recipient: Pick<typeof recipients.$inferSelect, "id" | "email" | "name" | "country" | "locale">;
  /** The paying organisation's brand: the recipient sees the platform, not Disburse. */
  branding: {
    organisationId: string;
    name: string;
    logoUrl: string | null;
    primaryColor: string;
    accentColor: string;
    supportEmail: string | null;
    /** The campaign's message, else the organisation's default claim message. */
    message: string | null;
  };
  batch: { id: string; name: string; allowedMethods: string[] | null } | null;
};

/**
 * What a claim link opens, or null for a malformed, unknown, revoked or expired token.
 * The payout comes back in whatever status it is in, so the page can show live status
 * after the claim; only `claimable` payouts can be claimed (the transition enforces it).
 */
export async function resolveClaimToken(
  db: DbOrTx,
  token: string,
  now = new Date(),
): Promise<ClaimContext | null> {
  if (!TOKEN_SHAPE.test(token)) return null;
  const [row] = await db
    .select({
      link: { id: claimLinks.id, expiresAt: claimLinks.expiresAt },
      payout: payouts,
      recipient: {
        id: recipients.id,
        email: recipients.email,
        name: recipients.name,
        country: recipients.country,
        locale: recipients.locale,
      },
      organisation: organisations,
      batchId: batches.id,
      batchName: batches.name,
      batchMessage: batches.message,
      batchAllowedMethods: batches.allowedMethods,
    })
    .from(claimLinks)
    .innerJoin(payouts, eq(payouts.id, claimLinks.payoutId))
    .innerJoin(recipients, eq(recipients.id, payouts.recipientId))
    .innerJoin(organisations, eq(organisations.id, payouts.organisationId))
    .leftJoin(batches, eq(batches.id, payouts.batchId))
    .where(
      and(
        eq(claimLinks.tokenHash, hashClaimToken(token)),
        isNull(claimLinks.revokedAt),
        gt(claimLinks.expiresAt, now),
      ),
    );
  if (!row) return null;
  const org = row.organisation;
  return {
    link: row.link,
    payout: row.payout,
    recipient: row.recipient,
    branding: { ...brandingOf(org), message: row.batchMessage ?? org.claimMessage },
    batch: row.batchId
      ? {
          id: row.batchId,
          name: row.batchName ?? "",
          allowedMethods: row.batchAllowedMethods ?? null,
        }
      : null,
  };
}

type OrganisationRow = typeof organisations.$inferSelect;

/** The organisation as its claim pages show it. */
export function brandingOf(org: OrganisationRow): Omit<ClaimContext["branding"], "message"> {
  return {
    organisationId: org.id,
    name: org.name,
    logoUrl: org.logoUrl,
    primaryColor: org.primaryColor,
    accentColor: org.accentColor,
    supportEmail: org.supportEmail,
  };
}

/**
 * A claim link in whatever state it is (expired, revoked, its payout canceled), for the
 * pages that explain a link that no longer opens a claim. Null for a malformed or
 * unknown token.
 */
export async function claimLinkByToken(db: DbOrTx, token: string) {
  if (!TOKEN_SHAPE.test(token)) return null;
  const [row] = await db
    .select({
      link: { id: claimLinks.id, expiresAt: claimLinks.expiresAt, revokedAt: claimLinks.revokedAt },
      payout: {
        id: payouts.id,
        organisationId: payouts.organisationId,
        mode: payouts.mode,
        status: payouts.status,
        failureReason: payouts.failureReason,
        expiresAt: payouts.expiresAt,
      },
      recipient: { id: recipients.id, email: recipients.email },
      organisation: organisations,
    })
    .from(claimLinks)
    .innerJoin(payouts, eq(payouts.id, claimLinks.payoutId))
    .innerJoin(recipients, eq(recipients.id, payouts.recipientId))
    .innerJoin(organisations, eq(organisations.id, payouts.organisationId))
    .where(eq(claimLinks.tokenHash, hashClaimToken(token)));
  return row ?? null;
}

/**
 * Who a claim link was sent to (their given locale and country), whatever the link's
 * state: what its pages speak before the recipient picks a language. One indexed read.
 */
export async function claimAudience(
  db: DbOrTx,
  token: string,
): Promise<{ locale: string | null; country: string } | null> {
  if (!TOKEN_SHAPE.test(token)) return null;
  const [row] = await db
    .select({ locale: recipients.locale, country: recipients.country })
    .from(claimLinks)
    .innerJoin(payouts, eq(payouts.id, claimLinks.payoutId))
    .innerJoin(recipients, eq(recipients.id, payouts.recipientId))
    .where(eq(claimLinks.tokenHash, hashClaimToken(token)));
  return row ?? null;
}

/** Whether the payout has a link that still opens its claim. */
export async function hasLiveClaimLink(db: DbOrTx, payoutId: string, now = new Date()) {
  const [row] = await db
    .select({ id: claimLinks.id })
    .from(claimLinks)
    .where(
      and(
        eq(claimLinks.payoutId, payoutId),
        isNull(claimLinks.revokedAt),
        gt(claimLinks.expiresAt, now),
      ),
    )
    .limit(1);
  return Boolean(row);
}
