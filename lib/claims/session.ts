import { createHash, randomBytes } from "node:crypto";
import { and, eq, gt, lt } from "drizzle-orm";
import type { DbOrTx } from "@/db/client";
import { claimSessions, type Mode } from "@/db/schema";
import { newId } from "@/lib/ids";

/** Long enough to choose a method and watch it pay; short enough that a left-open phone expires. */
export const CLAIM_SESSION_TTL_SECONDS = 30 * 60;
export const CLAIM_SESSION_COOKIE = "claim_session";

export type ClaimSession = {
  id: string;
  organisationId: string;
  mode: Mode;
  claimLinkId: string;
  payoutId: string;
  expiresAt: Date;
};

function hashToken(token: string): string {
  return createHash("sha256").update(token).digest("hex");
}

/** Starts a session for a recipient who just proved the link is theirs; the token goes in the cookie. */
export async function createClaimSession(
  db: DbOrTx,
  input: { organisationId: string; mode: Mode; claimLinkId: string; payoutId: string; now?: Date },
): Promise<{ token: string; session: ClaimSession }> {
  const now = input.now ?? new Date();
  const token = randomBytes(32).toString("base64url");
  const [session] = await db
    .insert(claimSessions)
    .values({
      id: newId("claimSession"),
      tokenHash: hashToken(token),
      organisationId: input.organisationId,
      mode: input.mode,
      claimLinkId: input.claimLinkId,
      payoutId: input.payoutId,
      expiresAt: new Date(now.getTime() + CLAIM_SESSION_TTL_SECONDS * 1000),
    })
    .returning();
  if (!session) throw new Error("claim session insert returned nothing");
  await db.delete(claimSessions).where(lt(claimSessions.expiresAt, now));
  return { token, session: toSession(session) };
}

/**
 * The session behind a cookie value, only if it is unexpired and belongs to this very
 * claim link: a cookie from one link never opens another.
 */
export async function readClaimSession(
  db: DbOrTx,
  input: { token: string | undefined; claimLinkId: string; now?: Date },
): Promise<ClaimSession | null> {
  if (!input.token) return null;
  const now = input.now ?? new Date();
  const [row] = await db
    .select()
    .from(claimSessions)
    .where(
      and(
        eq(claimSessions.tokenHash, hashToken(input.token)),
        eq(claimSessions.claimLinkId, input.claimLinkId),
        gt(claimSessions.expiresAt, now),
      ),
    );
  return row ? toSession(row) : null;
}

export async function endClaimSession(db: DbOrTx, token: string): Promise<void> {
  await db.delete(claimSessions).where(eq(claimSessions.tokenHash, hashToken(token)));
}

function toSession(row: typeof claimSessions.$inferSelect): ClaimSession {
  return {
    id: row.id,
    organisationId: row.organisationId,
    mode: row.mode,
    claimLinkId: row.claimLinkId,
    payoutId: row.payoutId,
    expiresAt: row.expiresAt,
  };
}
