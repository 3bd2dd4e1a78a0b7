import type { DbOrTx } from "@/db/client";
import { organisations, payouts, recipients } from "@/db/schema";
import type { Scope } from "@/lib/events/outbox";
import { newId } from "@/lib/ids";

/** An organisation row with its test-mode scope; written straight to the table. */
export async function insertOrganisation(
  db: DbOrTx,
  overrides: Partial<typeof organisations.$inferInsert> = {},
): Promise<{ organisationId: string; scope: Scope }> {
  const organisationId = newId("organisation");
  await db.insert(organisations).values({
    id: organisationId,
    name: "Acme Creators",
    slug: `acme-${organisationId.slice(-10)}`,
    supportEmail: "support@acme.test",
    claimMessage: "Thanks for creating with us",
    ...overrides,
  });
  return { organisationId, scope: { organisationId, mode: "test" } };
}

/** A payout in any status with no ledger behind it, for tests of links and queries only. */
export async function insertBarePayout(
  db: DbOrTx,
  scope: Scope,
  overrides: Partial<typeof payouts.$inferInsert> = {},
) {
  const recipientId = newId("recipient");
  await db.insert(recipients).values({
    id: recipientId,
    ...scope,
    email: "ada@example.com",
    name: "Ada Lovelace",
    country: "GB",
  });
  const [row] = await db
    .insert(payouts)
    .values({
      id: newId("payout"),
      ...scope,
      recipientId,
      amount: 2_500n,
      currency: "USD",
      status: "claimable",
      expiresAt: new Date(Date.now() + 30 * 86_400_000),
      ...overrides,
    })
    .returning();
  if (!row) throw new Error("payout not inserted");
  return row;
}
