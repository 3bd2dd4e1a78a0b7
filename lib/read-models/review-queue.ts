import { and, desc, eq } from "drizzle-orm";
import type { DbOrTx } from "@/db/client";
import { complianceReviews, payouts, recipients } from "@/db/schema";
import { type Scope, tenantWhere } from "@/db/scope";
import type { Finding } from "@/lib/compliance/findings";

/**
 * The review queue: payouts awaiting review in this organisation and mode, each with
 * its open review's findings (the explanation a reviewer decides on), newest first.
 */
export async function reviewQueue(db: DbOrTx, scope: Scope, limit = 100) {
  const rows = await db
    .select({
      reviewId: complianceReviews.id,
      stage: complianceReviews.stage,
      reasonCodes: complianceReviews.reasonCodes,
      findings: complianceReviews.findings,
      heldAt: complianceReviews.createdAt,
      payout: {
        id: payouts.id,
        amount: payouts.amount,
        currency: payouts.currency,
        createdAt: payouts.createdAt,
      },
      recipient: {
        id: recipients.id,
        name: recipients.name,
        email: recipients.email,
        country: recipients.country,
      },
    })
    .from(payouts)
    .innerJoin(recipients, eq(recipients.id, payouts.recipientId))
    .leftJoin(
      complianceReviews,
      and(eq(complianceReviews.payoutId, payouts.id), eq(complianceReviews.status, "open")),
    )
    .where(and(tenantWhere(payouts, scope), eq(payouts.status, "awaiting_review")))
    .orderBy(desc(payouts.id))
    .limit(limit + 1);
  return {
    hasMore: rows.length > limit,
    data: rows.slice(0, limit).map((r) => ({
      ...r,
      reasonCodes: r.reasonCodes ?? [],
      findings: (r.findings ?? []) as unknown as Finding[],
    })),
  };
}

/** The reason codes of a payout's open review: what the API shows an integrator. */
export async function openReviewReasons(
  db: DbOrTx,
  scope: Scope,
  payoutId: string,
): Promise<string[] | null> {
  const [row] = await db
    .select({ reasonCodes: complianceReviews.reasonCodes })
    .from(complianceReviews)
    .where(
      and(
        tenantWhere(complianceReviews, scope),
        eq(complianceReviews.payoutId, payoutId),
        eq(complianceReviews.status, "open"),
      ),
    );
  return row?.reasonCodes ?? null;
}
