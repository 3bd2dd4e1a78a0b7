import { and, asc, eq } from "drizzle-orm";
import type { DbOrTx } from "@/db/client";
import { organisations, payouts } from "@/db/schema";
import { liveClaimLink } from "@/lib/claims/links";
import { DEMO_ORGANISATION_SLUG } from "./seed-data";

/**
 * The landing page's "try a demo claim link": the oldest still-claimable payout of the
 * demo organisation in test mode, or null once every demo payout has been claimed.
 */
export async function demoClaimUrl(db: DbOrTx): Promise<string | null> {
  const candidates = await db
    .select({ payoutId: payouts.id, organisationId: payouts.organisationId })
    .from(payouts)
    .innerJoin(organisations, eq(organisations.id, payouts.organisationId))
    .where(
      and(
        eq(organisations.slug, DEMO_ORGANISATION_SLUG),
        eq(payouts.mode, "test"),
        eq(payouts.status, "claimable"),
      ),
    )
    .orderBy(asc(payouts.createdAt))
    .limit(5);
  for (const candidate of candidates) {
    const link = await liveClaimLink(
      db,
      { organisationId: candidate.organisationId, mode: "test" },
      candidate.payoutId,
    );
    if (link) return link.url;
  }
  return null;
}
