import type { DbOrTx } from "@/db/client";
import { organisations, payouts, recipients } from "@/db/schema";
import { newId } from "@/lib/ids";
import { issueClaimLink } from "./links";

/**
 * A claimable payout with a claim link. The payout row is written directly (no ledger
 * reserve), which is all the verification and page tests need; the flow tests create
 * payouts through the payouts domain instead.
 */
export async function insertClaimablePayout(
  db: DbOrTx,
  overrides: { country?: string; currency?: string; amount?: bigint; email?: string } = {},
) {
  const organisationId = newId("organisation");
  await db.insert(organisations).values({
    id: organisationId,
    name: "Acme Test Co",
    slug: `acme-${organisationId.slice(-8)}`,
    supportEmail: "help@acme.test",
  });
  const recipientId = newId("recipient");
  await db.insert(recipients).values({
    id: recipientId,
    organisationId,
    mode: "test",
    email: overrides.email ?? "ada@example.com",
    name: "Ada Lovelace",
    country: overrides.country ?? "US",
  });
  const expiresAt = new Date(Date.now() + 30 * 24 * 3600 * 1000);
  const payoutId = newId("payout");
  await db.insert(payouts).values({
    id: payoutId,
    organisationId,
    mode: "test",
    recipientId,
    amount: overrides.amount ?? 2500n,
    currency: overrides.currency ?? "USD",
    status: "claimable",
    description: "March affiliate commission",
    expiresAt,
  });
  const link = await issueClaimLink(db, { payoutId, expiresAt });
  return { organisationId, recipientId, payoutId, claimLinkId: link.linkId, token: link.token };
}
